// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {JobsBase} from "./JobsBase.sol";
import {
    Area,
    CapacityState,
    IProviderRegistry,
    OfferParams,
    PricingModel
} from "../../../src/interfaces/IProviderRegistry.sol";
import {IJobRegistry, Job, JobRequest, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";
import {TeamRole} from "../../../src/interfaces/ITeamAccess.sol";

/// route
/// ├── when the caller is not the keeper / given paused / unknown job / job not Requested: reverts
/// ├── when the root is zero, the price zero or above the job's max: reverts
/// ├── when the offer is unknown, not Available (Reserved, Offline), short of GPUs, outside its window
/// │   (not yet open; closes before review window + start window + booked hours from now), of another
/// │   model, short of VRAM, in another country or area, of an excluded pricing model, Fixed or Dynamic
/// │   at another price, Token or gateway above its committed ceiling: reverts with the values
/// ├── given a team job whose submitter lost its role, or a provider the team does not whitelist: reverts
/// └── otherwise: Routed at the price with the fee in force, GPUs reserved, review window started,
///     JobRouted (Fixed, Dynamic after utilization, gateway and Token up to their ceiling,
///     whitelisted team provider)
contract RouteTest is JobsBase {
    uint256 internal jobId;

    function setUp() public override {
        super.setUp();
        jobId = requestTracked();
    }

    function test_RevertWhen_CallerNotKeeper() external {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, market.KEEPER_ROLE()
            )
        );
        vm.prank(stranger);
        market.route(jobId, fixedOffer, FIXED_PRICE, ROOT);
    }

    function test_RevertGiven_Paused() external {
        pauseMarket();
        _expectRouteRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_Paused.selector), FIXED_PRICE, ROOT
        );
    }

    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        vm.prank(keeper);
        market.route(99, fixedOffer, FIXED_PRICE, ROOT);
    }

    function test_RevertGiven_JobAlreadyRouted() external {
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        _expectRouteRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Routed),
            FIXED_PRICE,
            ROOT2
        );
    }

    function test_RevertWhen_DecisionRootZero() external {
        _expectRouteRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InvalidDecisionRoot.selector, bytes32(0)),
            FIXED_PRICE,
            bytes32(0)
        );
    }

    function test_RevertWhen_PriceZero() external {
        _expectRouteRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_ZeroPrice.selector), 0, ROOT);
    }

    function test_RevertWhen_PriceAboveMax() external {
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_PriceAboveMax.selector, MAX_PRICE + 1, MAX_PRICE)
        );
        vm.prank(keeper);
        market.route(jobId, gatewayOffer, MAX_PRICE + 1, ROOT);
    }

    function test_RevertGiven_UnknownOffer() external {
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistry_UnknownOffer.selector, 99));
        vm.prank(keeper);
        market.route(jobId, 99, FIXED_PRICE, ROOT);
    }

    function test_RevertGiven_OfferReserved() external {
        _setState(CapacityState.Reserved);
        _expectRouteRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_OfferNotAvailable.selector, fixedOffer, CapacityState.Reserved
            ),
            FIXED_PRICE,
            ROOT
        );
    }

    function test_RevertGiven_OfferOffline() external {
        _setState(CapacityState.Offline);
        _expectRouteRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_OfferNotAvailable.selector, fixedOffer, CapacityState.Offline
            ),
            FIXED_PRICE,
            ROOT
        );
    }

    function test_RevertGiven_InsufficientGpus() external {
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        vm.prank(buyer);
        uint256 bigJob = market.requestJob(trackedRequest(7, HOURS, MAX_PRICE));
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InsufficientGpus.selector, fixedOffer, 6, 7)
        );
        vm.prank(keeper);
        market.route(bigJob, fixedOffer, FIXED_PRICE, ROOT);
    }

    function test_RevertGiven_OfferNotYetOpen() external {
        _setWindow(uint40(T0 + 1), 0);
        _expectRouteRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_OutsideWindow.selector,
                fixedOffer,
                T0 + 1,
                0,
                T0 + START_WINDOW + BOOKED_SECONDS
            ),
            FIXED_PRICE,
            ROOT
        );
    }

    function test_RevertGiven_OfferClosesBeforeJobCouldEnd() external {
        // The provider may start as late as the start window allows, then run the booked hours.
        uint40 until = uint40(T0 + START_WINDOW + BOOKED_SECONDS - 1);
        _setWindow(0, until);
        _expectRouteRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_OutsideWindow.selector,
                fixedOffer,
                0,
                until,
                T0 + START_WINDOW + BOOKED_SECONDS
            ),
            FIXED_PRICE,
            ROOT
        );
    }

    function test_RevertGiven_OfferClosesBeforeReviewedJobCouldEnd() external {
        uint256 latestEnd = T0 + REVIEW + START_WINDOW + BOOKED_SECONDS;
        _setWindow(0, uint40(latestEnd - 1));
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = REVIEW;
        _expectRouteRevertFor(
            req,
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_OutsideWindow.selector, fixedOffer, 0, latestEnd - 1, latestEnd
            )
        );
    }

    function test_RevertGiven_GpuModelMismatch() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.gpuModel = A100;
        _expectRouteRevertFor(
            req, abi.encodeWithSelector(IJobRegistry.JobRegistry_GpuModelMismatch.selector, H100, A100)
        );
    }

    function test_RevertGiven_VramTooLow() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.minVramGb = 81;
        _expectRouteRevertFor(
            req, abi.encodeWithSelector(IJobRegistry.JobRegistry_VramTooLow.selector, 80, 81)
        );
    }

    function test_RevertGiven_CountryMismatch() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.country = "US";
        _expectRouteRevertFor(
            req,
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_RegionMismatch.selector,
                bytes2("DE"),
                Area.EU,
                bytes2("US"),
                Area.None
            )
        );
    }

    function test_RevertGiven_AreaMismatch() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.area = Area.NA;
        _expectRouteRevertFor(
            req,
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_RegionMismatch.selector, bytes2("DE"), Area.EU, bytes2(0), Area.NA
            )
        );
    }

    function test_RevertGiven_PricingModelExcluded() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.excludedPricing = uint8(1 << uint8(PricingModel.Fixed));
        _expectRouteRevertFor(
            req,
            abi.encodeWithSelector(IJobRegistry.JobRegistry_PricingModelExcluded.selector, PricingModel.Fixed)
        );
    }

    function test_RevertGiven_FixedPriceMismatch() external {
        _expectRouteRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_PriceMismatch.selector, FIXED_PRICE - 1, FIXED_PRICE
            ),
            FIXED_PRICE - 1,
            ROOT
        );
    }

    function test_RevertGiven_DynamicPriceMismatchAfterUtilization() external {
        routeTo(jobId, dynamicOffer, 1_800_000);
        uint256 second = requestTracked();
        // 2 of 8 GPUs in use at a 50% slope: 1.80 x (1 + 0.5 x 2/8) = 2.025.
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_PriceMismatch.selector, 1_800_000, 2_025_000)
        );
        vm.prank(keeper);
        market.route(second, dynamicOffer, 1_800_000, ROOT);
    }

    function test_RevertGiven_TokenPriceAboveCeiling() external {
        uint256 richJob = _requestWithMax(5_000_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_PriceAboveCeiling.selector, TOKEN_CEILING + 1, TOKEN_CEILING
            )
        );
        vm.prank(keeper);
        market.route(richJob, tokenOffer, TOKEN_CEILING + 1, ROOT);
    }

    function test_RevertGiven_GatewayPriceAboveCeiling() external {
        uint256 richJob = _requestWithMax(5_000_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_PriceAboveCeiling.selector, GATEWAY_CEILING + 1, GATEWAY_CEILING
            )
        );
        vm.prank(keeper);
        market.route(richJob, gatewayOffer, GATEWAY_CEILING + 1, ROOT);
    }

    function test_RevertGiven_TeamSubmitterRevoked() external {
        uint256 teamJob = _requestTeamJob();
        vm.prank(teamAdmin);
        team.setRole(teamId, teamUser, TeamRole.None);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_SubmitterNotActive.selector, teamId, teamUser)
        );
        vm.prank(keeper);
        market.route(teamJob, fixedOffer, FIXED_PRICE, ROOT);
    }

    function test_RevertGiven_TeamDoesNotWhitelistProvider() external {
        uint256 teamJob = _requestTeamJob();
        vm.prank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_ProviderNotWhitelisted.selector, teamId, sellerId)
        );
        vm.prank(keeper);
        market.route(teamJob, fixedOffer, FIXED_PRICE, ROOT);
    }

    function test_WhenFixedOffer() external {
        uint256 marketBefore = usdc.balanceOf(address(market));
        vm.warp(T0 + 10);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRouted(jobId, fixedOffer, FIXED_PRICE, 0, ROOT);
        routeTo(jobId, fixedOffer, FIXED_PRICE);

        Job memory job = market.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobStatus.Routed), "status");
        assertEq(job.offerId, fixedOffer, "offerId");
        assertEq(job.pricePerGpuHour, FIXED_PRICE, "price");
        assertEq(job.routedAt, T0 + 10, "routedAt");
        assertEq(job.reviewEndsAt, T0 + 10, "no review window");
        assertEq(job.startDeadline, T0 + 10 + START_WINDOW, "start deadline");
        assertEq(job.feeBps, 0, "fee");
        assertEq(job.decisionRoot, ROOT, "root");
        assertEq(gpusInUse(fixedOffer), GPUS, "GPUs reserved");
        assertEq(usdc.balanceOf(address(market)), marketBefore, "escrow unchanged");
        assertEq(market.depositOf(jobId), DEPOSIT, "deposit unchanged");
    }

    function test_WhenDynamicOfferAtUtilizationPrice() external {
        routeTo(jobId, dynamicOffer, 1_800_000);
        uint256 second = requestTracked();
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRouted(second, dynamicOffer, 2_025_000, 0, ROOT);
        routeTo(second, dynamicOffer, 2_025_000);
        assertEq(gpusInUse(dynamicOffer), 4, "GPUs reserved");
        // 4 of 8 in use: 1.80 x 1.25 = 2.25.
        assertEq(market.currentPrice(dynamicOffer), 2_250_000, "next price");
    }

    function test_WhenOfferWindowEndsExactlyAtLatestJobEnd() external {
        _setWindow(uint40(T0), uint40(T0 + START_WINDOW + BOOKED_SECONDS));
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        assertStatus(jobId, JobStatus.Routed);
    }

    function test_WhenFeeSet_FixesItOnTheJob() external {
        setFee(300);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRouted(jobId, fixedOffer, FIXED_PRICE, 300, ROOT);
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        assertEq(market.getJob(jobId).feeBps, 300, "fee fixed at route");
    }

    function test_WhenReviewWindow_StartsItAtRoute() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = REVIEW;
        vm.prank(buyer);
        uint256 id = market.requestJob(req);
        vm.warp(T0 + 5);
        routeTo(id, fixedOffer, FIXED_PRICE);
        Job memory job = market.getJob(id);
        assertEq(job.routedAt, T0 + 5, "routedAt");
        assertEq(job.reviewEndsAt, T0 + 5 + REVIEW, "review end");
        assertEq(job.startDeadline, T0 + 5 + REVIEW + START_WINDOW, "start deadline");
    }

    function test_WhenRegionMatchesByCountryAndArea() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.country = "DE";
        req.spec.area = Area.EU;
        vm.prank(buyer);
        uint256 id = market.requestJob(req);
        routeTo(id, fixedOffer, FIXED_PRICE);
        assertStatus(id, JobStatus.Routed);
    }

    function test_WhenGatewayOffer_AcceptsAnyPriceUpToItsCeiling() external {
        routeTo(jobId, gatewayOffer, 1);
        assertEq(market.getJob(jobId).pricePerGpuHour, 1, "lowest price");
        uint256 second = _requestWithMax(5_000_000);
        routeTo(second, gatewayOffer, GATEWAY_CEILING);
        assertEq(market.getJob(second).pricePerGpuHour, GATEWAY_CEILING, "ceiling");
        assertEq(gpusInUse(gatewayOffer), 2 * GPUS, "GPUs reserved");
        assertEq(market.currentPrice(gatewayOffer), GATEWAY_CEILING, "currentPrice is the ceiling");
    }

    function test_WhenTokenOffer_AcceptsKeeperPriceUpToCeiling() external {
        routeTo(jobId, tokenOffer, 2_345_678);
        assertEq(market.getJob(jobId).pricePerGpuHour, 2_345_678, "price");
        uint256 second = _requestWithMax(5_000_000);
        routeTo(second, tokenOffer, TOKEN_CEILING);
        assertEq(market.getJob(second).pricePerGpuHour, TOKEN_CEILING, "ceiling");
    }

    function test_WhenTeamWhitelistsProvider() external {
        uint256 teamJob = _requestTeamJob();
        vm.startPrank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);
        team.setProviderWhitelisted(teamId, sellerId, true);
        vm.stopPrank();
        routeTo(teamJob, fixedOffer, FIXED_PRICE);
        assertStatus(teamJob, JobStatus.Routed);
    }

    function _requestTeamJob() private returns (uint256 id) {
        fundTeamTreasury();
        id = requestTeam();
    }

    function _requestWithMax(uint64 maxPrice) private returns (uint256 id) {
        vm.prank(buyer);
        id = market.requestJob(trackedRequest(GPUS, HOURS, maxPrice));
    }

    function _setState(CapacityState state) private {
        vm.prank(seller);
        market.setCapacity(fixedOffer, state, 8);
    }

    function _setWindow(uint40 from, uint40 until) private {
        vm.prank(seller);
        market.setAvailability(fixedOffer, from, until);
    }

    function _expectRouteRevert(bytes memory err, uint64 price, bytes32 root) private {
        vm.expectRevert(err);
        vm.prank(keeper);
        market.route(jobId, fixedOffer, price, root);
    }

    function _expectRouteRevertFor(JobRequest memory req, bytes memory err) private {
        vm.prank(buyer);
        uint256 id = market.requestJob(req);
        vm.expectRevert(err);
        vm.prank(keeper);
        market.route(id, fixedOffer, FIXED_PRICE, ROOT);
    }
}

/// reroute
/// ├── when the caller is not the keeper / given paused / job not Routed / not opted in: reverts
/// ├── when the offer is the current one: reverts
/// ├── when the new route fails a route check or the new offer has another GPU model: reverts
/// └── otherwise: frees the old GPUs, reserves the new ones, new root, price and fee, starts the
///     review window again and resets the start deadline, JobRerouted with the previous root
contract RerouteTest is JobsBase {
    uint256 internal jobId;

    function setUp() public override {
        super.setUp();
        jobId = requestReroutable();
        routeTo(jobId, fixedOffer, FIXED_PRICE);
    }

    function test_RevertWhen_CallerNotKeeper() external {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, market.KEEPER_ROLE()
            )
        );
        vm.prank(stranger);
        market.reroute(jobId, gatewayOffer, MAX_PRICE, ROOT2);
    }

    function test_RevertGiven_Paused() external {
        pauseMarket();
        _expectRerouteRevert(
            jobId, abi.encodeWithSelector(IJobRegistry.JobRegistry_Paused.selector), gatewayOffer, ROOT2
        );
    }

    function test_RevertGiven_JobNotRouted() external {
        uint256 requested = requestReroutable();
        _expectRerouteRevert(
            requested,
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_WrongStatus.selector, requested, JobStatus.Requested
            ),
            gatewayOffer,
            ROOT2
        );
    }

    function test_RevertGiven_JobStarted() external {
        startAs(jobId, seller);
        _expectRerouteRevert(
            jobId,
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Started),
            gatewayOffer,
            ROOT2
        );
    }

    function test_RevertGiven_NotOptedIn() external {
        uint256 fixedJob = routedJob();
        _expectRerouteRevert(
            fixedJob,
            abi.encodeWithSelector(IJobRegistry.JobRegistry_RerouteNotOptedIn.selector, fixedJob),
            gatewayOffer,
            ROOT2
        );
    }

    function test_RevertWhen_SameOffer() external {
        _expectRerouteRevert(
            jobId,
            abi.encodeWithSelector(IJobRegistry.JobRegistry_SameOffer.selector, fixedOffer),
            fixedOffer,
            ROOT2
        );
    }

    function test_RevertWhen_NewRouteFailsCheck() external {
        _expectRerouteRevert(
            jobId,
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InvalidDecisionRoot.selector, bytes32(0)),
            gatewayOffer,
            bytes32(0)
        );
        vm.prank(seller);
        market.setCapacity(dynamicOffer, CapacityState.Offline, 8);
        _expectRerouteRevert(
            jobId,
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_OfferNotAvailable.selector, dynamicOffer, CapacityState.Offline
            ),
            dynamicOffer,
            ROOT2
        );
    }

    function test_RevertWhen_NewOfferOfAnotherModel() external {
        OfferParams memory p = offerParams(PricingModel.Fixed, 8, "DE", Area.EU, FIXED_PRICE);
        p.gpuModel = A100;
        vm.prank(seller);
        uint32 a100Offer = market.addOffer(sellerId, p);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_GpuModelMismatch.selector, A100, H100)
        );
        vm.prank(keeper);
        market.reroute(jobId, a100Offer, FIXED_PRICE, ROOT2);
    }

    function test_WhenOptedInToAnotherOffer() external {
        vm.warp(T0 + 1 hours);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRerouted(jobId, fixedOffer, gatewayOffer, MAX_PRICE, 0, ROOT, ROOT2);
        vm.prank(keeper);
        market.reroute(jobId, gatewayOffer, MAX_PRICE, ROOT2);

        Job memory job = market.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobStatus.Routed), "status");
        assertEq(job.offerId, gatewayOffer, "offerId");
        assertEq(job.pricePerGpuHour, MAX_PRICE, "price");
        assertEq(job.decisionRoot, ROOT2, "root");
        assertEq(job.routedAt, T0 + 1 hours, "routedAt");
        assertEq(gpusInUse(fixedOffer), 0, "old GPUs freed");
        assertEq(gpusInUse(gatewayOffer), GPUS, "new GPUs reserved");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "escrow unchanged");

        // The start deadline now runs from the reroute: past the old one, the new provider may start.
        vm.warp(T0 + START_WINDOW + 1);
        startAs(jobId, gatewayOperator);
        assertStatus(jobId, JobStatus.Started);
    }

    function test_WhenOptedIn_RefundDeadlineMovesWithReroute() external {
        vm.warp(T0 + 1 hours);
        vm.prank(keeper);
        market.reroute(jobId, gatewayOffer, MAX_PRICE, ROOT2);
        vm.warp(T0 + START_WINDOW + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_RefundNotDue.selector,
                jobId,
                JobStatus.Routed,
                T0 + 1 hours + START_WINDOW
            )
        );
        vm.prank(buyer);
        market.claimRefund(jobId);
    }

    function test_WhenRerouted_ReviewWindowStartsAgain() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = REVIEW;
        req.rerouteOptIn = true;
        vm.prank(buyer);
        uint256 id = market.requestJob(req);
        routeTo(id, fixedOffer, FIXED_PRICE);
        vm.warp(T0 + REVIEW + 1);
        setFee(100);
        vm.prank(keeper);
        market.reroute(id, gatewayOffer, MAX_PRICE, ROOT2);
        Job memory job = market.getJob(id);
        assertEq(job.reviewEndsAt, T0 + 2 * REVIEW + 1, "a new review window");
        assertEq(job.feeBps, 100, "fee in force at the reroute");
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InReviewWindow.selector, id, T0 + 2 * REVIEW + 1)
        );
        startAs(id, gatewayOperator);
    }

    function test_WhenRerouteToDynamicOffer_PricesAtItsUtilization() external {
        // The freed Fixed GPUs do not matter; the Dynamic offer is empty, so its floor applies.
        vm.prank(keeper);
        market.reroute(jobId, dynamicOffer, 1_800_000, ROOT2);
        assertEq(gpusInUse(dynamicOffer), GPUS, "reserved");
        assertEq(market.currentPrice(dynamicOffer), 2_025_000, "price after reservation");
    }

    function _expectRerouteRevert(uint256 id, bytes memory err, uint32 offerId, bytes32 root) private {
        uint64 price = offerId == dynamicOffer ? 1_800_000 : offerId == fixedOffer ? FIXED_PRICE : MAX_PRICE;
        vm.expectRevert(err);
        vm.prank(keeper);
        market.reroute(id, offerId, price, root);
    }
}

/// markUnroutable
/// ├── when the caller is not the keeper / given paused / job not Requested: reverts
/// ├── when the root is zero: reverts
/// ├── given a team job: the deposit goes straight back to the team's treasury (Refunded)
/// └── otherwise: Unroutable with the root, JobMarkedUnroutable, deposit claimable
contract MarkUnroutableTest is JobsBase {
    uint256 internal jobId;

    function setUp() public override {
        super.setUp();
        jobId = requestTracked();
    }

    function test_RevertWhen_CallerNotKeeper() external {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, market.KEEPER_ROLE()
            )
        );
        vm.prank(stranger);
        market.markUnroutable(jobId, ROOT);
    }

    function test_RevertGiven_Paused() external {
        pauseMarket();
        _expectRevert(jobId, ROOT, abi.encodeWithSelector(IJobRegistry.JobRegistry_Paused.selector));
    }

    function test_RevertGiven_UnknownJob() external {
        _expectRevert(99, ROOT, abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
    }

    function test_RevertGiven_JobRouted() external {
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        _expectRevert(
            jobId,
            ROOT2,
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Routed)
        );
    }

    function test_RevertWhen_DecisionRootZero() external {
        _expectRevert(
            jobId,
            bytes32(0),
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InvalidDecisionRoot.selector, 0)
        );
    }

    function test_WhenRequested() external {
        vm.expectEmit(address(market));
        emit IJobRegistry.JobMarkedUnroutable(jobId, ROOT);
        vm.prank(keeper);
        market.markUnroutable(jobId, ROOT);

        Job memory job = market.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobStatus.Unroutable), "status");
        assertEq(job.decisionRoot, ROOT, "root");
        assertEq(job.offerId, 0, "no offer");
        assertEq(market.refundDue(jobId), DEPOSIT, "refund due");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "escrow unchanged");
    }

    function test_GivenTeamJob_CreditsTheTeam() external {
        fundTeamTreasury();
        uint256 teamJob = requestTeam();
        vm.expectEmit(address(market));
        emit IJobRegistry.JobMarkedUnroutable(teamJob, ROOT);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRefunded(teamJob, JobStatus.Unroutable, DEPOSIT);
        vm.prank(keeper);
        market.markUnroutable(teamJob, ROOT);
        assertStatus(teamJob, JobStatus.Refunded);
        assertEq(market.getJob(teamJob).decisionRoot, ROOT, "root kept");
        (uint256 balance, uint256 windowSpend,,) = market.teamFunds(teamId);
        assertEq(balance, TEAM_TREASURY, "whole deposit back");
        assertEq(windowSpend, 0, "nothing counts against the cap");
    }

    function _expectRevert(uint256 id, bytes32 root, bytes memory err) private {
        vm.expectRevert(err);
        vm.prank(keeper);
        market.markUnroutable(id, root);
    }
}
