// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {
    IProviderRegistry,
    OfferParams,
    Offer,
    Provider,
    PricingModel,
    CapacityState
} from "./interfaces/IProviderRegistry.sol";
import {MarketAccess} from "./MarketAccess.sol";
import {OfferBook} from "./libraries/OfferBook.sol";

/// @title Sellers, gateways and their GPU offers: the market's entry points to its OfferBook.
abstract contract ProviderRegistry is IProviderRegistry, MarketAccess {
    using OfferBook for OfferBook.Book;

    OfferBook.Book internal _book;

    /* PROVIDERS */

    /// @inheritdoc IProviderRegistry
    function registerProvider(address payout, string calldata metadataURI) external returns (uint32) {
        return _book.registerProvider(msg.sender, payout, bytes12(0), metadataURI);
    }

    /// @inheritdoc IProviderRegistry
    function registerGateway(bytes12 sourceTag, address operator, address payout, string calldata metadataURI)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint32)
    {
        if (sourceTag == bytes12(0)) revert ProviderRegistry_EmptySourceTag();
        return _book.registerProvider(operator, payout, sourceTag, metadataURI);
    }

    /// @inheritdoc IProviderRegistry
    function updateProvider(uint32 providerId, address payout, string calldata metadataURI) external {
        _book.updateProvider(providerId, payout, metadataURI);
    }

    /* OFFERS */

    /// @inheritdoc IProviderRegistry
    function addOffer(uint32 providerId, OfferParams calldata params) external returns (uint32) {
        return _book.addOffer(providerId, params);
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
        _book.setPricing(offerId, pricing, price, demandSlopeBps, tokenId, tokenAmount);
    }

    /// @inheritdoc IProviderRegistry
    function setCapacity(uint32 offerId, CapacityState state, uint16 gpuCount) external {
        _book.setCapacity(offerId, state, gpuCount);
    }

    /// @inheritdoc IProviderRegistry
    function setAvailability(uint32 offerId, uint40 availableFrom, uint40 availableUntil) external {
        _book.setAvailability(offerId, availableFrom, availableUntil);
    }

    /* VIEWS */

    /// @inheritdoc IProviderRegistry
    function currentPrice(uint32 offerId) external view returns (uint64) {
        return OfferBook.priceCeiling(_book.existingOffer(offerId));
    }

    /// @inheritdoc IProviderRegistry
    function getProvider(uint32 providerId) external view returns (Provider memory) {
        return _book.existingProvider(providerId);
    }

    /// @inheritdoc IProviderRegistry
    function getOffer(uint32 offerId) external view returns (Offer memory) {
        return _book.existingOffer(offerId);
    }

    /// @inheritdoc IProviderRegistry
    function providerCount() external view returns (uint32) {
        return _book.providerCount;
    }

    /// @inheritdoc IProviderRegistry
    function offerCount() external view returns (uint32) {
        return _book.offerCount;
    }
}
