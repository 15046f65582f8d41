// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {NectoFixture} from "../../utils/NectoFixture.sol";
import {
    IProviderRegistry,
    Area,
    CapacityState,
    Offer,
    OfferParams,
    PricingModel,
    Provider
} from "../../../src/interfaces/IProviderRegistry.sol";
import {JobRequest} from "../../../src/interfaces/IJobRegistry.sol";

/// @notice ProviderRegistry, through the deployed NectoMarket. Fixture ids: gateway = provider 1,
/// seller = provider 2; offers 1 (Fixed), 2 (Dynamic), 3 (Token), 4 (gateway Auction).
contract ProviderRegistryTest is NectoFixture {
    uint32 internal constant UNKNOWN = 99;
    bytes32 internal constant AKT = "akash-network";

    address internal newPayout = makeAddr("newPayout");

    /* REGISTER PROVIDER */

    function test_RegisterProvider() public {
        vm.expectEmit(address(market));
        emit IProviderRegistry.ProviderRegistered(3, stranger, newPayout, bytes12(0), "ipfs://new");
        vm.prank(stranger);
        uint32 id = market.registerProvider(newPayout, "ipfs://new");

        assertEq(id, 3);
        assertEq(market.providerCount(), 3);
        _assertProvider(id, stranger, newPayout, bytes12(0));
    }

    function test_RevertWhen_RegisterProviderPayoutZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistry_ZeroAddress.selector);
        vm.prank(stranger);
        market.registerProvider(address(0), "");
    }

    /* REGISTER GATEWAY */

    function test_RegisterGateway() public {
        vm.expectEmit(address(market));
        emit IProviderRegistry.ProviderRegistered(3, stranger, newPayout, "io.net", "ipfs://ionet");
        vm.prank(admin);
        uint32 id = market.registerGateway("io.net", stranger, newPayout, "ipfs://ionet");

        assertEq(id, 3);
        assertEq(market.providerCount(), 3);
        _assertProvider(id, stranger, newPayout, "io.net");
    }

    function test_RevertWhen_GatewaySourceTagEmpty() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistry_EmptySourceTag.selector);
        vm.prank(admin);
        market.registerGateway(bytes12(0), stranger, newPayout, "");
    }

    function test_RevertWhen_GatewayOperatorZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistry_ZeroAddress.selector);
        vm.prank(admin);
        market.registerGateway("io.net", address(0), newPayout, "");
    }

    function test_RevertWhen_GatewayPayoutZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistry_ZeroAddress.selector);
        vm.prank(admin);
        market.registerGateway("io.net", stranger, address(0), "");
    }

    function test_RevertWhen_RegisterGatewayCallerNotAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                market.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(stranger);
        market.registerGateway("io.net", stranger, stranger, "");
    }

    /* UPDATE PROVIDER */

    function test_UpdateProvider() public {
        vm.expectEmit(address(market));
        emit IProviderRegistry.ProviderUpdated(sellerId, newPayout, "ipfs://v2");
        vm.prank(seller);
        market.updateProvider(sellerId, newPayout, "ipfs://v2");

        _assertProvider(sellerId, seller, newPayout, bytes12(0));
    }

    function test_RevertWhen_UpdateProviderPayoutZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistry_ZeroAddress.selector);
        vm.prank(seller);
        market.updateProvider(sellerId, address(0), "");
    }

    function test_RevertWhen_UpdateProviderCallerNotOwner() public {
        // The payout address is paid, it does not own the provider.
        _expectNotOwner(sellerId, sellerPayout);
        vm.prank(sellerPayout);
        market.updateProvider(sellerId, sellerPayout, "");
    }

    function test_RevertGiven_UpdateProviderUnknown() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_UnknownProvider.selector, UNKNOWN)
        );
        vm.prank(seller);
        market.updateProvider(UNKNOWN, newPayout, "");
    }

    /* ADD OFFER */

    function test_AddOffer() public {
        OfferParams memory p = offerParams(PricingModel.Fixed, 4, "SE", Area.EU, 2_400_000);
        p.gpuModel = A100;
        p.availableFrom = uint40(T0 + 1 days);
        p.availableUntil = uint40(T0 + 30 days);

        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferAdded(5, sellerId, p);
        vm.prank(seller);
        uint32 id = market.addOffer(sellerId, p);

        assertEq(id, 5);
        assertEq(market.offerCount(), 5);
        Offer memory expected = Offer({
            providerId: sellerId,
            gpuModel: A100,
            gpuCount: 4,
            gpusInUse: 0,
            vramGb: 80,
            country: "SE",
            area: Area.EU,
            pricing: PricingModel.Fixed,
            state: CapacityState.Available,
            gateway: false,
            availableFrom: uint40(T0 + 1 days),
            availableUntil: uint40(T0 + 30 days),
            price: 2_400_000,
            demandSlopeBps: 0,
            tokenAmount: 0,
            tokenId: bytes32(0)
        });
        assertEq(abi.encode(market.getOffer(id)), abi.encode(expected));
    }

    function test_AddOffer_NormalizesUnusedPricingFields() public {
        OfferParams memory p = offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000);
        p.demandSlopeBps = 5000;
        p.tokenId = AKT;
        p.tokenAmount = 7;
        vm.startPrank(seller);
        _assertPricing(market.addOffer(sellerId, p), PricingModel.Fixed, 2_000_000, 0, bytes32(0), 0);

        p.pricing = PricingModel.Dynamic;
        _assertPricing(market.addOffer(sellerId, p), PricingModel.Dynamic, 2_000_000, 5000, bytes32(0), 0);

        // A Token offer keeps its price: it is the seller's USD ceiling.
        p.pricing = PricingModel.Token;
        _assertPricing(market.addOffer(sellerId, p), PricingModel.Token, 2_000_000, 0, AKT, 7);
        vm.stopPrank();
    }

    function test_AddOffer_GatewayUsesSpotAndAuction() public {
        OfferParams memory p = offerParams(PricingModel.Spot, 32, bytes2(0), Area.None, 1_100_000);
        vm.startPrank(gatewayOperator);
        uint32 spot = market.addOffer(gatewayId, p);
        p.pricing = PricingModel.Auction;
        p.price = 4_000_000;
        uint32 auction = market.addOffer(gatewayId, p);
        vm.stopPrank();

        assertTrue(market.getOffer(spot).gateway);
        _assertPricing(spot, PricingModel.Spot, 1_100_000, 0, bytes32(0), 0);
        _assertPricing(auction, PricingModel.Auction, 4_000_000, 0, bytes32(0), 0);
        assertEq(market.currentPrice(auction), 4_000_000, "the ceiling");
    }

    function test_RevertWhen_GatewayOfferHasNoCeiling() public {
        vm.startPrank(gatewayOperator);
        for (uint8 m; m <= uint8(PricingModel.Auction); ++m) {
            OfferParams memory p = offerParams(PricingModel(m), 8, bytes2(0), Area.None, 0);
            if (PricingModel(m) == PricingModel.Token) (p.tokenId, p.tokenAmount) = (AKT, 1);
            _expectInvalidPricing(PricingModel(m), 0, p.tokenAmount);
            market.addOffer(gatewayId, p);
        }
        vm.stopPrank();
    }

    function test_RevertWhen_TokenOfferHasNoCeiling() public {
        OfferParams memory p = tokenParams();
        p.price = 0;
        _expectInvalidPricing(PricingModel.Token, 0, 3_200_000);
        vm.prank(seller);
        market.addOffer(sellerId, p);
    }

    function test_RevertWhen_SellerOfferUsesGatewayPricing() public {
        OfferParams memory p = offerParams(PricingModel.Spot, 8, "DE", Area.EU, 2_000_000);
        vm.startPrank(seller);
        _expectGatewayPricingOnly(PricingModel.Spot);
        market.addOffer(sellerId, p);

        p.pricing = PricingModel.Auction;
        _expectGatewayPricingOnly(PricingModel.Auction);
        market.addOffer(sellerId, p);
        vm.stopPrank();
    }

    function test_RevertWhen_TokenOfferMissesTokenId() public {
        OfferParams memory p = tokenParams();
        p.tokenId = bytes32(0);
        p.price = 5;
        _expectInvalidPricing(PricingModel.Token, 5, 3_200_000);
        vm.prank(seller);
        market.addOffer(sellerId, p);
    }

    function test_RevertWhen_TokenOfferMissesTokenAmount() public {
        OfferParams memory p = tokenParams();
        p.tokenAmount = 0;
        _expectInvalidPricing(PricingModel.Token, TOKEN_CEILING, 0);
        vm.prank(seller);
        market.addOffer(sellerId, p);
    }

    function test_RevertWhen_GatewayTokenOfferMissesTokenAmount() public {
        OfferParams memory p = tokenParams();
        p.tokenAmount = 0;
        _expectInvalidPricing(PricingModel.Token, TOKEN_CEILING, 0);
        vm.prank(gatewayOperator);
        market.addOffer(gatewayId, p);
    }

    function test_RevertWhen_SellerOfferPriceZero() public {
        OfferParams memory p = offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 0);
        p.tokenAmount = 9;
        vm.startPrank(seller);
        _expectInvalidPricing(PricingModel.Fixed, 0, 9);
        market.addOffer(sellerId, p);

        p.pricing = PricingModel.Dynamic;
        _expectInvalidPricing(PricingModel.Dynamic, 0, 9);
        market.addOffer(sellerId, p);
        vm.stopPrank();
    }

    function test_AddOffer_OpenEndedWindow() public {
        OfferParams memory p = offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000);
        p.availableFrom = uint40(T0 + 1 days);
        vm.prank(seller);
        uint32 id = market.addOffer(sellerId, p);

        assertEq(market.getOffer(id).availableFrom, T0 + 1 days);
        assertEq(market.getOffer(id).availableUntil, 0);
    }

    function test_RevertWhen_OfferWindowEmpty() public {
        OfferParams memory p = offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000);
        p.availableFrom = uint40(T0 + 1 days);
        p.availableUntil = uint40(T0 + 1 days);
        vm.startPrank(seller);
        _expectInvalidWindow(p.availableFrom, p.availableUntil);
        market.addOffer(sellerId, p);

        p.availableUntil = uint40(T0);
        _expectInvalidWindow(p.availableFrom, p.availableUntil);
        market.addOffer(sellerId, p);
        vm.stopPrank();
    }

    function test_RevertWhen_OfferGpuModelEmpty() public {
        OfferParams memory p = offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000);
        p.gpuModel = bytes16(0);
        vm.expectRevert(IProviderRegistry.ProviderRegistry_EmptyGpuModel.selector);
        vm.prank(seller);
        market.addOffer(sellerId, p);
    }

    function test_RevertWhen_OfferGpuCountZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistry_ZeroGpuCount.selector);
        vm.prank(seller);
        market.addOffer(sellerId, offerParams(PricingModel.Fixed, 0, "DE", Area.EU, 2_000_000));
    }

    function test_RevertWhen_AddOfferCallerNotOwner() public {
        _expectNotOwner(sellerId, gatewayOperator);
        vm.prank(gatewayOperator);
        market.addOffer(sellerId, offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000));
    }

    function test_RevertGiven_AddOfferUnknownProvider() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_UnknownProvider.selector, UNKNOWN)
        );
        vm.prank(seller);
        market.addOffer(UNKNOWN, offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000));
    }

    /* SET PRICING */

    function test_SetPricing() public {
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferPricingUpdated(
            fixedOffer, PricingModel.Dynamic, 2_100_000, 2500, bytes32(0), 0
        );
        vm.prank(seller);
        market.setPricing(fixedOffer, PricingModel.Dynamic, 2_100_000, 2500, bytes32(0), 0);

        _assertPricing(fixedOffer, PricingModel.Dynamic, 2_100_000, 2500, bytes32(0), 0);
    }

    function test_SetPricing_NormalizesUnusedFields() public {
        // Token -> Fixed: the token id, amount and slope are cleared; the event reports what is stored.
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferPricingUpdated(
            tokenOffer, PricingModel.Fixed, 2_200_000, 0, bytes32(0), 0
        );
        vm.prank(seller);
        market.setPricing(tokenOffer, PricingModel.Fixed, 2_200_000, 4000, AKT, 3_200_000);
        _assertPricing(tokenOffer, PricingModel.Fixed, 2_200_000, 0, bytes32(0), 0);

        // Dynamic -> Token: the slope is cleared; the price stays, as the USD ceiling.
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferPricingUpdated(
            dynamicOffer, PricingModel.Token, 1_900_000, 0, AKT, 1_000_000
        );
        vm.prank(seller);
        market.setPricing(dynamicOffer, PricingModel.Token, 1_900_000, 4000, AKT, 1_000_000);
        _assertPricing(dynamicOffer, PricingModel.Token, 1_900_000, 0, AKT, 1_000_000);
    }

    function test_SetPricing_KeepsRoutedJobPrice() public {
        uint256 jobId = _occupy(fixedOffer, 2);
        vm.prank(seller);
        market.setPricing(fixedOffer, PricingModel.Fixed, 2_500_000, 0, bytes32(0), 0);

        assertEq(market.getJob(jobId).pricePerGpuHour, 2_000_000);
        assertEq(market.currentPrice(fixedOffer), 2_500_000);
    }

    function test_SetPricing_GatewaySwitchesToSpot() public {
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferPricingUpdated(gatewayOffer, PricingModel.Spot, 900_000, 0, bytes32(0), 0);
        vm.prank(gatewayOperator);
        market.setPricing(gatewayOffer, PricingModel.Spot, 900_000, 0, bytes32(0), 0);

        _assertPricing(gatewayOffer, PricingModel.Spot, 900_000, 0, bytes32(0), 0);
    }

    function test_RevertWhen_SellerSetsGatewayPricing() public {
        vm.startPrank(seller);
        _expectGatewayPricingOnly(PricingModel.Spot);
        market.setPricing(fixedOffer, PricingModel.Spot, 2_000_000, 0, bytes32(0), 0);
        _expectGatewayPricingOnly(PricingModel.Auction);
        market.setPricing(fixedOffer, PricingModel.Auction, 2_000_000, 0, bytes32(0), 0);
        vm.stopPrank();
    }

    function test_RevertWhen_SetPricingTokenInvalid() public {
        vm.startPrank(seller);
        _expectInvalidPricing(PricingModel.Token, 1, 3_200_000);
        market.setPricing(fixedOffer, PricingModel.Token, 1, 0, bytes32(0), 3_200_000);
        _expectInvalidPricing(PricingModel.Token, 1, 0);
        market.setPricing(fixedOffer, PricingModel.Token, 1, 0, AKT, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_SetPricingPriceZero() public {
        _expectInvalidPricing(PricingModel.Dynamic, 0, 0);
        vm.prank(seller);
        market.setPricing(fixedOffer, PricingModel.Dynamic, 0, 5000, bytes32(0), 0);
    }

    function test_RevertWhen_SetPricingCallerNotOwner() public {
        _expectNotOwner(gatewayId, seller);
        vm.prank(seller);
        market.setPricing(gatewayOffer, PricingModel.Spot, 1, 0, bytes32(0), 0);
    }

    function test_RevertGiven_SetPricingUnknownOffer() public {
        _expectUnknownOffer(UNKNOWN);
        vm.prank(seller);
        market.setPricing(UNKNOWN, PricingModel.Fixed, 1, 0, bytes32(0), 0);
    }

    /* SET CAPACITY */

    function test_SetCapacity() public {
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferCapacityUpdated(fixedOffer, CapacityState.Reserved, 12);
        vm.prank(seller);
        market.setCapacity(fixedOffer, CapacityState.Reserved, 12);

        Offer memory o = market.getOffer(fixedOffer);
        assertEq(uint8(o.state), uint8(CapacityState.Reserved));
        assertEq(o.gpuCount, 12);
    }

    function test_SetCapacity_DownToGpusInUse() public {
        _occupy(fixedOffer, 2);
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferCapacityUpdated(fixedOffer, CapacityState.Offline, 2);
        vm.prank(seller);
        market.setCapacity(fixedOffer, CapacityState.Offline, 2);

        Offer memory o = market.getOffer(fixedOffer);
        assertEq(o.gpuCount, 2);
        assertEq(o.gpusInUse, 2);
    }

    function test_RevertWhen_CapacityBelowGpusInUse() public {
        _occupy(fixedOffer, 2);
        _occupy(fixedOffer, 3);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_GpuCountBelowInUse.selector, 4, 5)
        );
        vm.prank(seller);
        market.setCapacity(fixedOffer, CapacityState.Available, 4);
    }

    function test_RevertWhen_CapacityGpuCountZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistry_ZeroGpuCount.selector);
        vm.prank(seller);
        market.setCapacity(fixedOffer, CapacityState.Offline, 0);
    }

    function test_RevertWhen_SetCapacityCallerNotOwner() public {
        _expectNotOwner(sellerId, stranger);
        vm.prank(stranger);
        market.setCapacity(fixedOffer, CapacityState.Offline, 8);
    }

    function test_RevertGiven_SetCapacityUnknownOffer() public {
        _expectUnknownOffer(0);
        vm.prank(seller);
        market.setCapacity(0, CapacityState.Offline, 8);
    }

    /* SET AVAILABILITY */

    function test_SetAvailability() public {
        uint40 from = uint40(T0 + 1 hours);
        uint40 until = uint40(T0 + 2 days);
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferAvailabilityUpdated(fixedOffer, from, until);
        vm.prank(seller);
        market.setAvailability(fixedOffer, from, until);

        assertEq(market.getOffer(fixedOffer).availableFrom, from);
        assertEq(market.getOffer(fixedOffer).availableUntil, until);
    }

    function test_SetAvailability_OpenEnded() public {
        vm.startPrank(seller);
        market.setAvailability(fixedOffer, uint40(T0), uint40(T0 + 1 days));
        vm.expectEmit(address(market));
        emit IProviderRegistry.OfferAvailabilityUpdated(fixedOffer, uint40(T0 + 5 days), 0);
        market.setAvailability(fixedOffer, uint40(T0 + 5 days), 0);
        vm.stopPrank();

        assertEq(market.getOffer(fixedOffer).availableFrom, T0 + 5 days);
        assertEq(market.getOffer(fixedOffer).availableUntil, 0);
    }

    function test_RevertWhen_AvailabilityWindowInvalid() public {
        vm.startPrank(seller);
        _expectInvalidWindow(uint40(T0), uint40(T0));
        market.setAvailability(fixedOffer, uint40(T0), uint40(T0));
        _expectInvalidWindow(uint40(T0), 1);
        market.setAvailability(fixedOffer, uint40(T0), 1);
        vm.stopPrank();
    }

    function test_RevertWhen_SetAvailabilityCallerNotOwner() public {
        _expectNotOwner(sellerId, gatewayOperator);
        vm.prank(gatewayOperator);
        market.setAvailability(fixedOffer, 0, 0);
    }

    function test_RevertGiven_SetAvailabilityUnknownOffer() public {
        _expectUnknownOffer(UNKNOWN);
        vm.prank(seller);
        market.setAvailability(UNKNOWN, 0, 0);
    }

    /* CURRENT PRICE */

    function test_CurrentPrice_NonDynamicIsStoredPrice() public view {
        assertEq(market.currentPrice(fixedOffer), 2_000_000);
        assertEq(market.currentPrice(tokenOffer), TOKEN_CEILING, "a Token offer's USD ceiling");
        assertEq(market.currentPrice(gatewayOffer), GATEWAY_CEILING, "a gateway offer's ceiling");
    }

    function test_CurrentPrice_GatewayDynamicIsItsCeiling() public {
        OfferParams memory p = offerParams(PricingModel.Dynamic, 8, bytes2(0), Area.None, 3_000_000);
        p.demandSlopeBps = 5000;
        vm.prank(gatewayOperator);
        uint32 id = market.addOffer(gatewayId, p);
        _occupy(id, 4);
        assertEq(market.currentPrice(id), 3_000_000, "no demand premium on a ceiling");
    }

    /// Floor $1.80, slope 50%, 8 GPUs: 1.8 x (1 + 0.5 x inUse / 8).
    function test_CurrentPrice_DynamicFollowsUtilization() public {
        assertEq(market.currentPrice(dynamicOffer), 1_800_000);
        _occupy(dynamicOffer, 2);
        assertEq(market.currentPrice(dynamicOffer), 2_025_000);
        uint256 second = _occupy(dynamicOffer, 2);
        assertEq(market.currentPrice(dynamicOffer), 2_250_000);
        _occupy(dynamicOffer, 4);
        assertEq(market.currentPrice(dynamicOffer), 2_700_000);

        vm.prank(buyer);
        market.cancel(second); // freeing GPUs lowers the price again
        assertEq(market.currentPrice(dynamicOffer), 2_475_000);
    }

    /// 1_000_001 x 3333 x 3 / (10_000 x 7) = 142_842.99..., rounded down.
    function test_CurrentPrice_DynamicRoundsDown() public {
        OfferParams memory p = offerParams(PricingModel.Dynamic, 7, "DE", Area.EU, 1_000_001);
        p.demandSlopeBps = 3333;
        vm.prank(seller);
        uint32 id = market.addOffer(sellerId, p);
        _occupy(id, 3);
        assertEq(market.currentPrice(id), 1_142_843);
    }

    function test_CurrentPrice_DynamicSaturatesAtUint64Max() public {
        _occupy(dynamicOffer, 8);
        // Jobs cannot pay such a price (max price fits 40 bits), but a seller can still list it.
        vm.prank(seller);
        market.setPricing(dynamicOffer, PricingModel.Dynamic, uint64(1) << 63, 10_000, bytes32(0), 0);
        assertEq(market.currentPrice(dynamicOffer), type(uint64).max);
    }

    function test_RevertGiven_CurrentPriceUnknownOffer() public {
        _expectUnknownOffer(UNKNOWN);
        market.currentPrice(UNKNOWN);
    }

    function testFuzz_CurrentPrice_DynamicMonotonicInGpusInUse(
        uint64 floorPrice,
        uint32 slopeBps,
        uint16 gpuCount,
        uint16 first,
        uint16 second
    ) public {
        floorPrice = uint64(bound(floorPrice, 1, 1e10)); // $10k per GPU-hour; 11x still fits a max price
        slopeBps = uint32(bound(slopeBps, 0, 100_000));
        gpuCount = uint16(bound(gpuCount, 1, 1024));
        first = uint16(bound(first, 0, gpuCount));
        second = uint16(bound(second, 0, gpuCount - first));
        OfferParams memory p = offerParams(PricingModel.Dynamic, gpuCount, "DE", Area.EU, floorPrice);
        p.demandSlopeBps = slopeBps;
        vm.prank(seller);
        uint32 id = market.addOffer(sellerId, p);

        uint64 atZero = market.currentPrice(id);
        if (first != 0) _occupy(id, first);
        uint64 atFirst = market.currentPrice(id);
        if (second != 0) _occupy(id, second);
        uint64 atSecond = market.currentPrice(id);

        assertEq(atZero, floorPrice, "floor at zero use");
        assertLe(atZero, atFirst, "monotonic");
        assertLe(atFirst, atSecond, "monotonic");
        uint256 inUse = uint256(first) + second;
        assertEq(atSecond, floorPrice + uint256(floorPrice) * slopeBps * inUse / (10_000 * uint256(gpuCount)));
    }

    /* VIEWS */

    function test_Counts() public view {
        assertEq(market.providerCount(), 2);
        assertEq(market.offerCount(), 4);
    }

    function test_GetProvider() public view {
        _assertProvider(gatewayId, gatewayOperator, gatewayOperator, "akash");
        _assertProvider(sellerId, seller, sellerPayout, bytes12(0));
    }

    function test_RevertGiven_GetProviderUnknown() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_UnknownProvider.selector, 0)
        );
        market.getProvider(0);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_UnknownProvider.selector, 3)
        );
        market.getProvider(3);
    }

    function test_GetOffer() public view {
        Offer memory o = market.getOffer(gatewayOffer);
        assertEq(o.providerId, gatewayId);
        assertTrue(o.gateway);
        assertEq(uint8(o.pricing), uint8(PricingModel.Auction));
        assertEq(o.gpuCount, 16);
        _assertPricing(tokenOffer, PricingModel.Token, TOKEN_CEILING, 0, AKT, 3_200_000);
    }

    function test_RevertGiven_GetOfferUnknown() public {
        _expectUnknownOffer(0);
        market.getOffer(0);
        _expectUnknownOffer(5);
        market.getOffer(5);
    }

    /* HELPERS */

    /// @dev Routes a fresh 1-hour job of `gpus` GPUs to the offer at its current price.
    function _occupy(uint32 offerId, uint16 gpus) internal returns (uint256 jobId) {
        uint64 price = market.currentPrice(offerId);
        JobRequest memory r = trackedRequest(gpus, 1, price);
        vm.prank(admin);
        usdc.mint(buyer, uint256(price) * gpus);
        vm.prank(buyer);
        jobId = market.requestJob(r);
        routeTo(jobId, offerId, price);
    }

    function _assertProvider(uint32 id, address owner, address payout, bytes12 sourceTag) internal view {
        Provider memory p = market.getProvider(id);
        assertEq(p.owner, owner, "owner");
        assertEq(p.payout, payout, "payout");
        assertEq(p.sourceTag, sourceTag, "sourceTag");
    }

    function _assertPricing(
        uint32 offerId,
        PricingModel pricing,
        uint64 price,
        uint32 slopeBps,
        bytes32 tokenId,
        uint64 tokenAmount
    ) internal view {
        Offer memory o = market.getOffer(offerId);
        assertEq(uint8(o.pricing), uint8(pricing), "pricing");
        assertEq(o.price, price, "price");
        assertEq(o.demandSlopeBps, slopeBps, "demandSlopeBps");
        assertEq(o.tokenId, tokenId, "tokenId");
        assertEq(o.tokenAmount, tokenAmount, "tokenAmount");
    }

    function _expectNotOwner(uint32 providerId, address caller) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProviderRegistry.ProviderRegistry_NotProviderOwner.selector, providerId, caller
            )
        );
    }

    function _expectUnknownOffer(uint32 offerId) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_UnknownOffer.selector, offerId)
        );
    }

    function _expectInvalidPricing(PricingModel pricing, uint64 price, uint64 tokenAmount) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProviderRegistry.ProviderRegistry_InvalidPricing.selector, pricing, price, tokenAmount
            )
        );
    }

    function _expectGatewayPricingOnly(PricingModel pricing) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_GatewayPricingOnly.selector, pricing)
        );
    }

    function _expectInvalidWindow(uint40 from, uint40 until) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_InvalidWindow.selector, from, until)
        );
    }
}
