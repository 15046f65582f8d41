// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

/// @notice How an offer is priced. Fixed, Dynamic and Token are what Necto sellers list; Spot and
/// Auction describe external networks fronted by gateway providers, whose price is quoted off-chain.
/// Whatever the model, no route is ever accepted above the USD price the offer's owner committed
/// on-chain (see OfferParams.price).
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
/// @dev Money is micro-USD per GPU-hour (1.25 $/GPU-h = 1_250_000). `price` is never zero and is
/// what the owner commits to: the exact price of a Fixed offer, the floor of a Dynamic one (the
/// route price is then floor x (1 + slope x utilization), exactly), and for Token offers and every
/// gateway offer the USD ceiling per GPU-hour that no route may exceed. `tokenAmount` is the token
/// amount per GPU-hour in micro-units of the token (Token offers; settled in USDC at the rate the
/// keeper records in the decision, never above the ceiling). `availableUntil` = 0 means open-ended.
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
/// (e.g. "akash"): the gateway's operator fronts the external cost, commits a USD ceiling per offer
/// and is paid at `payout`.
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
/// 16 bytes (e.g. "H100-80G"). Country is ISO 3166 alpha-2 ("DE"), zero when unknown. Pricing and
/// capacity changes apply to new routes only: a routed job keeps the price it was routed at.
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
    /// @dev Every offer needs a non-zero `price` (its price, floor or ceiling); Token offers also a
    /// token id and a non-zero token amount.
    error ProviderRegistry_InvalidPricing(PricingModel pricing, uint64 price, uint64 tokenAmount);
    error ProviderRegistry_GatewayPricingOnly(PricingModel pricing);
    error ProviderRegistry_GpuCountBelowInUse(uint16 gpuCount, uint16 gpusInUse);

    /// @notice Registers the caller as a Necto seller.
    /// @param payout Where USDC earnings accrue.
    /// @param metadataURI Off-chain profile (name, contact), emitted only.
    /// @return providerId The new provider's id (1-based).
    function registerProvider(address payout, string calldata metadataURI)
        external
        returns (uint32 providerId);

    /// @notice Admin: registers a gateway provider for an external network.
    /// @param sourceTag The network, e.g. "akash".
    /// @param operator Owner of the gateway's offers: lists them with their USD ceilings and
    /// reports start and completion of the jobs it runs.
    /// @param payout The operator's payout address, paid for the external cost it fronts.
    /// @param metadataURI Off-chain profile, emitted only.
    /// @return providerId The new provider's id.
    function registerGateway(bytes12 sourceTag, address operator, address payout, string calldata metadataURI)
        external
        returns (uint32 providerId);

    /// @notice Provider owner: changes the payout address and profile.
    /// @param providerId The caller's provider.
    /// @param payout The new payout address (non-zero); earnings already accrued stay where they are.
    /// @param metadataURI The new profile, emitted only.
    function updateProvider(uint32 providerId, address payout, string calldata metadataURI) external;

    /// @notice Provider owner: lists an offer. Starts Available with no GPUs in use.
    /// @param providerId The caller's provider.
    /// @param params Hardware, region, window and pricing; see OfferParams for what `price` commits.
    /// @return offerId The new offer's id (1-based).
    function addOffer(uint32 providerId, OfferParams calldata params) external returns (uint32 offerId);

    /// @notice Offer owner: replaces the pricing, for new routes only.
    /// @param offerId The caller's offer.
    /// @param pricing The model; Spot and Auction only for gateway offers.
    /// @param price The price (Fixed), floor (Dynamic) or USD ceiling (Token, gateways); non-zero.
    /// @param demandSlopeBps Dynamic only: the premium at full utilization, in basis points of the floor.
    /// @param tokenId Token only: the token's CoinGecko id, ASCII left-aligned.
    /// @param tokenAmount Token only: micro-tokens per GPU-hour.
    function setPricing(
        uint32 offerId,
        PricingModel pricing,
        uint64 price,
        uint32 demandSlopeBps,
        bytes32 tokenId,
        uint64 tokenAmount
    ) external;

    /// @notice Offer owner: toggles capacity and changes the GPU count (never below GPUs in use).
    /// @param offerId The caller's offer.
    /// @param state Available (routable), Reserved or Offline.
    /// @param gpuCount Total GPUs listed; at least the GPUs reserved by routed and started jobs.
    function setCapacity(uint32 offerId, CapacityState state, uint16 gpuCount) external;

    /// @notice Offer owner: moves the availability window. Running reservations are unaffected.
    /// @param offerId The caller's offer.
    /// @param availableFrom First second a route may be made (0 = now).
    /// @param availableUntil Last second a routed job may still run (0 = open-ended).
    function setAvailability(uint32 offerId, uint40 availableFrom, uint40 availableUntil) external;

    /// @notice The highest price a new route to the offer may use, in micro-USD per GPU-hour. For a
    /// Necto seller's Fixed or Dynamic offer it is also the only price a route may use (Dynamic:
    /// floor x (1 + slope x GPUs in use / GPU count), rounded down); for Token and gateway offers it
    /// is the owner's committed ceiling.
    /// @param offerId The offer.
    /// @return price Micro-USD per GPU-hour.
    function currentPrice(uint32 offerId) external view returns (uint64 price);

    /// @param providerId The provider.
    /// @return provider Owner, payout and source tag (zero for Necto sellers).
    function getProvider(uint32 providerId) external view returns (Provider memory provider);

    /// @param offerId The offer.
    /// @return offer The offer as stored, with its GPUs in use.
    function getOffer(uint32 offerId) external view returns (Offer memory offer);

    /// @return The number of providers (ids run from 1 to this).
    function providerCount() external view returns (uint32);

    /// @return The number of offers (ids run from 1 to this).
    function offerCount() external view returns (uint32);
}
