// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice How an offer is priced. Fixed, Dynamic and Token are what Necto sellers list; Spot and
/// Auction describe external networks fronted by gateway providers, whose price is quoted off-chain.
enum PricingModel {
    Fixed,
    Dynamic,
    Token,
    Spot,
    Auction
}

/// @notice Seller-controlled capacity state. Routing only ever targets Available offers.
enum CapacityState {
    Available,
    Reserved,
    Offline
}

/// @notice Coarse region of the world; `None` means unknown (offers) or any (jobs).
enum Area {
    None,
    NA,
    SA,
    EU,
    APAC,
    MEA
}

/// @notice Everything a seller states when listing an offer.
/// @dev Money is micro-USD per GPU-hour (1.25 $/GPU-h = 1_250_000). `price` is the fixed price
/// (Fixed), the floor (Dynamic), or a reference quote for gateway offers. `tokenAmount` is the
/// token amount per GPU-hour in micro-units of the token (Token offers; settled in USDC at the
/// rate the keeper records in the decision). `availableUntil` = 0 means open-ended.
struct OfferParams {
    bytes16 gpuModel;
    uint16 gpuCount;
    uint16 vramGb;
    bytes2 country;
    Area area;
    uint40 availableFrom;
    uint40 availableUntil;
    PricingModel pricing;
    uint64 price;
    uint32 demandSlopeBps;
    bytes32 tokenId;
    uint64 tokenAmount;
}

/// @notice A registered seller or gateway.
/// @dev `sourceTag` is zero for Necto sellers and names the external network for gateways
/// (e.g. "akash"): the gateway's operator fronts the external cost and is paid at `payout`.
struct Provider {
    address owner;
    address payout;
    bytes12 sourceTag;
}

/// @notice An offer as stored: two packed slots, plus the token id of Token offers.
/// `gateway` copies the provider's kind so routing needs no provider read.
struct Offer {
    uint32 providerId;
    bytes16 gpuModel;
    uint16 gpuCount;
    uint16 gpusInUse;
    uint16 vramGb;
    bytes2 country;
    Area area;
    PricingModel pricing;
    CapacityState state;
    bool gateway;
    uint40 availableFrom;
    uint40 availableUntil;
    uint64 price;
    uint32 demandSlopeBps;
    uint64 tokenAmount;
    bytes32 tokenId;
}

/// @title Provider registry: sellers, gateways and their GPU offers.
/// @notice GPU model ids are the canonical ASCII ids of the off-chain alias table, left-aligned in
/// 16 bytes (e.g. "H100-80G"). Country is ISO 3166 alpha-2 ("DE"), zero when unknown.
interface IProviderRegistry {
    event ProviderRegistered(
        uint32 indexed providerId,
        address indexed owner,
        address payout,
        bytes12 sourceTag,
        string metadataURI
    );
    event ProviderUpdated(uint32 indexed providerId, address payout, string metadataURI);
    /// @dev `params` as stored: pricing fields the model does not use are zero.
    event OfferAdded(uint32 indexed offerId, uint32 indexed providerId, OfferParams params);
    event OfferPricingUpdated(
        uint32 indexed offerId,
        PricingModel pricing,
        uint64 price,
        uint32 demandSlopeBps,
        bytes32 tokenId,
        uint64 tokenAmount
    );
    event OfferCapacityUpdated(uint32 indexed offerId, CapacityState state, uint16 gpuCount);
    event OfferAvailabilityUpdated(uint32 indexed offerId, uint40 availableFrom, uint40 availableUntil);

    error ProviderRegistry_UnknownProvider(uint32 providerId);
    error ProviderRegistry_UnknownOffer(uint32 offerId);
    error ProviderRegistry_NotProviderOwner(uint32 providerId, address caller);
    error ProviderRegistry_ZeroAddress();
    error ProviderRegistry_EmptySourceTag();
    error ProviderRegistry_EmptyGpuModel();
    error ProviderRegistry_ZeroGpuCount();
    error ProviderRegistry_InvalidWindow(uint40 availableFrom, uint40 availableUntil);
    error ProviderRegistry_InvalidPricing(PricingModel pricing, uint64 price, uint64 tokenAmount);
    error ProviderRegistry_GatewayPricingOnly(PricingModel pricing);
    error ProviderRegistry_GpuCountBelowInUse(uint16 gpuCount, uint16 gpusInUse);

    /// @notice Registers the caller as a Necto seller.
    /// @param payout Where USDC earnings accrue. @param metadataURI Off-chain profile (emitted only).
    function registerProvider(address payout, string calldata metadataURI)
        external
        returns (uint32 providerId);

    /// @notice Admin: registers a gateway provider for an external network.
    /// @param sourceTag The network, e.g. "akash". @param operator Owner of the gateway's offers.
    /// @param payout The operator's payout address, paid for the external cost it fronts.
    function registerGateway(bytes12 sourceTag, address operator, address payout, string calldata metadataURI)
        external
        returns (uint32 providerId);

    /// @notice Provider owner: changes the payout address and profile.
    function updateProvider(uint32 providerId, address payout, string calldata metadataURI) external;

    /// @notice Provider owner: lists an offer. Starts Available with no GPUs in use.
    function addOffer(uint32 providerId, OfferParams calldata params) external returns (uint32 offerId);

    /// @notice Offer owner: replaces the pricing. Jobs already routed keep their price.
    function setPricing(
        uint32 offerId,
        PricingModel pricing,
        uint64 price,
        uint32 demandSlopeBps,
        bytes32 tokenId,
        uint64 tokenAmount
    ) external;

    /// @notice Offer owner: toggles capacity and changes the GPU count (never below GPUs in use).
    function setCapacity(uint32 offerId, CapacityState state, uint16 gpuCount) external;

    /// @notice Offer owner: moves the availability window. Running reservations are unaffected.
    function setAvailability(uint32 offerId, uint40 availableFrom, uint40 availableUntil) external;

    /// @notice The price a new route must use, in micro-USD per GPU-hour. Fixed: the price;
    /// Dynamic: floor x (1 + slope x GPUs in use / GPU count), rounded down; Spot and Auction
    /// (gateways): the reference price; Token: 0, the USD price is set by the keeper from the rate.
    function currentPrice(uint32 offerId) external view returns (uint64);

    function getProvider(uint32 providerId) external view returns (Provider memory);
    function getOffer(uint32 offerId) external view returns (Offer memory);
}
