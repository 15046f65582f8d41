// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {
    CapacityState,
    IProviderRegistry,
    Offer,
    OfferParams,
    PricingModel,
    Provider
} from "../interfaces/IProviderRegistry.sol";
import {EscrowMath} from "./EscrowMath.sol";

/// @title The market's book of providers and offers, and the listing operations sellers and
/// gateway operators perform on it.
/// @notice The listing operations are external: the market runs them by DELEGATECALL on its own
/// storage, which keeps its bytecode under the EIP-170 limit while routing, starting and settling
/// read the book directly, without a call. The market checks roles; every other rule is here.
library OfferBook {
    /// @dev Provider and offer ids are 1-based; 0 means none.
    struct Book {
        uint32 providerCount;
        uint32 offerCount;
        mapping(uint32 providerId => Provider) providers;
        mapping(uint32 offerId => Offer) offers;
    }

    /* PROVIDERS */

    function registerProvider(
        Book storage book,
        address owner,
        address payout,
        bytes12 sourceTag,
        string calldata metadataURI
    ) external returns (uint32 providerId) {
        if (owner == address(0) || payout == address(0)) {
            revert IProviderRegistry.ProviderRegistry_ZeroAddress();
        }
        providerId = ++book.providerCount;
        book.providers[providerId] = Provider({owner: owner, payout: payout, sourceTag: sourceTag});
        emit IProviderRegistry.ProviderRegistered(providerId, owner, payout, sourceTag, metadataURI);
    }

    function updateProvider(Book storage book, uint32 providerId, address payout, string calldata metadataURI)
        external
    {
        _checkProviderOwner(book, providerId);
        if (payout == address(0)) revert IProviderRegistry.ProviderRegistry_ZeroAddress();
        book.providers[providerId].payout = payout;
        emit IProviderRegistry.ProviderUpdated(providerId, payout, metadataURI);
    }

    /* OFFERS */

    function addOffer(Book storage book, uint32 providerId, OfferParams calldata p)
        external
        returns (uint32 offerId)
    {
        _checkProviderOwner(book, providerId);
        if (p.gpuModel == bytes16(0)) revert IProviderRegistry.ProviderRegistry_EmptyGpuModel();
        if (p.gpuCount == 0) revert IProviderRegistry.ProviderRegistry_ZeroGpuCount();
        _checkWindow(p.availableFrom, p.availableUntil);
        bool gateway = book.providers[providerId].sourceTag != bytes12(0);
        _checkPricing(gateway, p.pricing, p.price, p.tokenId, p.tokenAmount);

        OfferParams memory stored = p;
        _normalizePricing(stored);
        offerId = ++book.offerCount;
        Offer storage o = book.offers[offerId];
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
        emit IProviderRegistry.OfferAdded(offerId, providerId, stored);
    }

    function setPricing(
        Book storage book,
        uint32 offerId,
        PricingModel pricing,
        uint64 price,
        uint32 demandSlopeBps,
        bytes32 tokenId,
        uint64 tokenAmount
    ) external {
        Offer storage o = _ownedOffer(book, offerId);
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
        emit IProviderRegistry.OfferPricingUpdated(
            offerId, pricing, stored.price, stored.demandSlopeBps, stored.tokenId, stored.tokenAmount
        );
    }

    function setCapacity(Book storage book, uint32 offerId, CapacityState state, uint16 gpuCount) external {
        Offer storage o = _ownedOffer(book, offerId);
        if (gpuCount == 0) revert IProviderRegistry.ProviderRegistry_ZeroGpuCount();
        if (gpuCount < o.gpusInUse) {
            revert IProviderRegistry.ProviderRegistry_GpuCountBelowInUse(gpuCount, o.gpusInUse);
        }
        o.state = state;
        o.gpuCount = gpuCount;
        emit IProviderRegistry.OfferCapacityUpdated(offerId, state, gpuCount);
    }

    function setAvailability(Book storage book, uint32 offerId, uint40 availableFrom, uint40 availableUntil)
        external
    {
        Offer storage o = _ownedOffer(book, offerId);
        _checkWindow(availableFrom, availableUntil);
        o.availableFrom = availableFrom;
        o.availableUntil = availableUntil;
        emit IProviderRegistry.OfferAvailabilityUpdated(offerId, availableFrom, availableUntil);
    }

    /* READS (internal: compiled into the market) */

    /// @notice The highest price a new route may use; the only one for a Necto Fixed or Dynamic offer.
    function priceCeiling(Offer storage o) internal view returns (uint64) {
        if (o.pricing == PricingModel.Dynamic && !o.gateway) {
            return EscrowMath.dynamicPrice(o.price, o.demandSlopeBps, o.gpusInUse, o.gpuCount);
        }
        return o.price;
    }

    /// @notice Whether a route must use exactly the ceiling: a Necto seller's Fixed or Dynamic
    /// offer, whose price is on-chain. Token and gateway offers are priced off-chain, up to it.
    function isPriceExact(Offer storage o) internal view returns (bool) {
        return !o.gateway && (o.pricing == PricingModel.Fixed || o.pricing == PricingModel.Dynamic);
    }

    function existingProvider(Book storage book, uint32 providerId)
        internal
        view
        returns (Provider storage p)
    {
        p = book.providers[providerId];
        if (p.owner == address(0)) revert IProviderRegistry.ProviderRegistry_UnknownProvider(providerId);
    }

    function existingOffer(Book storage book, uint32 offerId) internal view returns (Offer storage o) {
        o = book.offers[offerId];
        if (o.providerId == 0) revert IProviderRegistry.ProviderRegistry_UnknownOffer(offerId);
    }

    /* INTERNAL */

    /// @dev Zeroes the pricing fields the model does not use, so stored and emitted state is canonical.
    function _normalizePricing(OfferParams memory p) private pure {
        if (p.pricing != PricingModel.Dynamic) p.demandSlopeBps = 0;
        if (p.pricing != PricingModel.Token) (p.tokenId, p.tokenAmount) = (bytes32(0), 0);
    }

    function _storePricing(Offer storage o, OfferParams memory p) private {
        o.price = p.price;
        o.demandSlopeBps = p.demandSlopeBps;
        o.tokenAmount = p.tokenAmount;
        if (p.tokenId != o.tokenId) o.tokenId = p.tokenId;
    }

    /// @dev Every offer commits a non-zero USD price: exact (Fixed), a floor (Dynamic) or a ceiling
    /// (Token, gateways). Spot and Auction describe external networks, so only gateways use them.
    function _checkPricing(
        bool gateway,
        PricingModel pricing,
        uint64 price,
        bytes32 tokenId,
        uint64 tokenAmount
    ) private pure {
        if (!gateway && (pricing == PricingModel.Spot || pricing == PricingModel.Auction)) {
            revert IProviderRegistry.ProviderRegistry_GatewayPricingOnly(pricing);
        }
        bool tokenIncomplete = pricing == PricingModel.Token && (tokenId == bytes32(0) || tokenAmount == 0);
        if (price == 0 || tokenIncomplete) {
            revert IProviderRegistry.ProviderRegistry_InvalidPricing(pricing, price, tokenAmount);
        }
    }

    function _checkWindow(uint40 availableFrom, uint40 availableUntil) private pure {
        if (availableUntil != 0 && availableUntil <= availableFrom) {
            revert IProviderRegistry.ProviderRegistry_InvalidWindow(availableFrom, availableUntil);
        }
    }

    function _checkProviderOwner(Book storage book, uint32 providerId) private view {
        if (existingProvider(book, providerId).owner != msg.sender) {
            revert IProviderRegistry.ProviderRegistry_NotProviderOwner(providerId, msg.sender);
        }
    }

    function _ownedOffer(Book storage book, uint32 offerId) private view returns (Offer storage o) {
        o = existingOffer(book, offerId);
        _checkProviderOwner(book, o.providerId);
    }
}
