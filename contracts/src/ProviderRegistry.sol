// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    IProviderRegistry,
    OfferParams,
    Offer,
    Provider,
    PricingModel,
    CapacityState
} from "./interfaces/IProviderRegistry.sol";
import {MarketAccess} from "./MarketAccess.sol";
import {EscrowMath} from "./libraries/EscrowMath.sol";

/// @title Sellers, gateways and their GPU offers.
abstract contract ProviderRegistry is IProviderRegistry, MarketAccess {
    mapping(uint32 providerId => Provider) internal _providers;
    mapping(uint32 offerId => Offer) internal _offers;

    modifier onlyProviderOwner(uint32 providerId) {
        _checkProviderOwner(providerId);
        _;
    }

    /* PROVIDERS */

    /// @inheritdoc IProviderRegistry
    function registerProvider(address payout, string calldata metadataURI) external returns (uint32) {
        return _createProvider(msg.sender, payout, bytes12(0), metadataURI);
    }

    /// @inheritdoc IProviderRegistry
    function registerGateway(bytes12 sourceTag, address operator, address payout, string calldata metadataURI)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint32)
    {
        if (sourceTag == bytes12(0)) revert ProviderRegistry_EmptySourceTag();
        if (operator == address(0)) revert ProviderRegistry_ZeroAddress();
        return _createProvider(operator, payout, sourceTag, metadataURI);
    }

    /// @inheritdoc IProviderRegistry
    function updateProvider(uint32 providerId, address payout, string calldata metadataURI)
        external
        onlyProviderOwner(providerId)
    {
        if (payout == address(0)) revert ProviderRegistry_ZeroAddress();
        _providers[providerId].payout = payout;
        emit ProviderUpdated(providerId, payout, metadataURI);
    }

    /* OFFERS */

    /// @inheritdoc IProviderRegistry
    function addOffer(uint32 providerId, OfferParams calldata p)
        external
        onlyProviderOwner(providerId)
        returns (uint32 offerId)
    {
        if (p.gpuModel == bytes16(0)) revert ProviderRegistry_EmptyGpuModel();
        if (p.gpuCount == 0) revert ProviderRegistry_ZeroGpuCount();
        _checkWindow(p.availableFrom, p.availableUntil);
        bool gateway = _providers[providerId].sourceTag != bytes12(0);
        _checkPricing(gateway, p.pricing, p.price, p.tokenId, p.tokenAmount);

        OfferParams memory stored = p;
        _normalizePricing(stored);
        offerId = ++_globals.offerCount;
        Offer storage o = _offers[offerId];
        o.providerId = providerId;
        o.gpuModel = p.gpuModel;
        o.gpuCount = p.gpuCount;
        o.vramGb = p.vramGb;
        o.country = p.country;
        o.area = p.area;
        o.pricing = p.pricing;
        o.gateway = gateway;
        o.availableFrom = p.availableFrom;
        o.availableUntil = p.availableUntil;
        _storePricing(o, stored);
        emit OfferAdded(offerId, providerId, stored);
    }

    /// @inheritdoc IProviderRegistry
    function setPricing(
        uint32 offerId,
        PricingModel pricing,
        uint64 price,
        uint32 demandSlopeBps,
        bytes32 tokenId,
        uint64 tokenAmount
    ) external {
        Offer storage o = _ownedOffer(offerId);
        _checkPricing(o.gateway, pricing, price, tokenId, tokenAmount);
        OfferParams memory stored;
        stored.pricing = pricing;
        stored.price = price;
        stored.demandSlopeBps = demandSlopeBps;
        stored.tokenId = tokenId;
        stored.tokenAmount = tokenAmount;
        _normalizePricing(stored);
        o.pricing = pricing;
        _storePricing(o, stored);
        emit OfferPricingUpdated(
            offerId, pricing, stored.price, stored.demandSlopeBps, stored.tokenId, stored.tokenAmount
        );
    }

    /// @inheritdoc IProviderRegistry
    function setCapacity(uint32 offerId, CapacityState state, uint16 gpuCount) external {
        Offer storage o = _ownedOffer(offerId);
        if (gpuCount == 0) revert ProviderRegistry_ZeroGpuCount();
        if (gpuCount < o.gpusInUse) revert ProviderRegistry_GpuCountBelowInUse(gpuCount, o.gpusInUse);
        o.state = state;
        o.gpuCount = gpuCount;
        emit OfferCapacityUpdated(offerId, state, gpuCount);
    }

    /// @inheritdoc IProviderRegistry
    function setAvailability(uint32 offerId, uint40 availableFrom, uint40 availableUntil) external {
        Offer storage o = _ownedOffer(offerId);
        _checkWindow(availableFrom, availableUntil);
        o.availableFrom = availableFrom;
        o.availableUntil = availableUntil;
        emit OfferAvailabilityUpdated(offerId, availableFrom, availableUntil);
    }

    /* VIEWS */

    /// @inheritdoc IProviderRegistry
    function currentPrice(uint32 offerId) public view returns (uint64) {
        Offer storage o = _existingOffer(offerId);
        if (o.pricing == PricingModel.Dynamic) {
            return EscrowMath.dynamicPrice(o.price, o.demandSlopeBps, o.gpusInUse, o.gpuCount);
        }
        return o.price;
    }

    /// @inheritdoc IProviderRegistry
    function getProvider(uint32 providerId) external view returns (Provider memory) {
        return _existingProvider(providerId);
    }

    /// @inheritdoc IProviderRegistry
    function getOffer(uint32 offerId) external view returns (Offer memory) {
        return _existingOffer(offerId);
    }

    /* INTERNAL */

    function _createProvider(address owner, address payout, bytes12 sourceTag, string calldata metadataURI)
        private
        returns (uint32 providerId)
    {
        if (payout == address(0)) revert ProviderRegistry_ZeroAddress();
        providerId = ++_globals.providerCount;
        _providers[providerId] = Provider({owner: owner, payout: payout, sourceTag: sourceTag});
        emit ProviderRegistered(providerId, owner, payout, sourceTag, metadataURI);
    }

    /// @dev Zeroes the pricing fields the model does not use, so stored and emitted state is canonical.
    function _normalizePricing(OfferParams memory p) private pure {
        bool token = p.pricing == PricingModel.Token;
        if (token) p.price = 0;
        if (p.pricing != PricingModel.Dynamic) p.demandSlopeBps = 0;
        if (!token) (p.tokenId, p.tokenAmount) = (bytes32(0), 0);
    }

    function _storePricing(Offer storage o, OfferParams memory p) private {
        o.price = p.price;
        o.demandSlopeBps = p.demandSlopeBps;
        o.tokenAmount = p.tokenAmount;
        if (p.tokenId != o.tokenId) o.tokenId = p.tokenId;
    }

    /// @dev Necto sellers price in USD (Fixed, Dynamic) or a token; Spot and Auction describe
    /// external networks, so only gateways use them, and a gateway's price is only a reference.
    function _checkPricing(
        bool gateway,
        PricingModel pricing,
        uint64 price,
        bytes32 tokenId,
        uint64 tokenAmount
    ) private pure {
        if (pricing == PricingModel.Token) {
            if (tokenId == bytes32(0) || tokenAmount == 0) {
                revert ProviderRegistry_InvalidPricing(pricing, price, tokenAmount);
            }
        } else if (gateway) {
            return;
        } else if (pricing == PricingModel.Spot || pricing == PricingModel.Auction) {
            revert ProviderRegistry_GatewayPricingOnly(pricing);
        } else if (price == 0) {
            revert ProviderRegistry_InvalidPricing(pricing, price, tokenAmount);
        }
    }

    function _checkWindow(uint40 availableFrom, uint40 availableUntil) private pure {
        if (availableUntil != 0 && availableUntil <= availableFrom) {
            revert ProviderRegistry_InvalidWindow(availableFrom, availableUntil);
        }
    }

    function _checkProviderOwner(uint32 providerId) private view {
        if (_existingProvider(providerId).owner != msg.sender) {
            revert ProviderRegistry_NotProviderOwner(providerId, msg.sender);
        }
    }

    function _ownedOffer(uint32 offerId) private view returns (Offer storage o) {
        o = _existingOffer(offerId);
        _checkProviderOwner(o.providerId);
    }

    function _existingProvider(uint32 providerId) internal view returns (Provider storage p) {
        p = _providers[providerId];
        if (p.owner == address(0)) revert ProviderRegistry_UnknownProvider(providerId);
    }

    function _existingOffer(uint32 offerId) internal view returns (Offer storage o) {
        o = _offers[offerId];
        if (o.providerId == 0) revert ProviderRegistry_UnknownOffer(offerId);
    }
}
