// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {JobsBase} from "../jobs/JobsBase.sol";
import {ITeamAccess, TeamRole} from "../../../src/interfaces/ITeamAccess.sol";
import {ITeamTreasury} from "../../../src/interfaces/ITeamTreasury.sol";
import {Area, CapacityState, PricingModel} from "../../../src/interfaces/IProviderRegistry.sol";
import {IJobRegistry, JobRequest, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// @notice The five findings of the protocol review, each reproduced against v1 and now forbidden.
/// Each test is named after the behaviour it forbids.
abstract contract FindingsBase is JobsBase {
    address internal attacker = makeAddr("attacker");
    uint32 internal attackerId;

    /// @dev A seller anyone could register, listing a Fixed H100 offer at $1.00.
    function _attackerOffer() internal returns (uint32 offerId) {
        vm.startPrank(attacker);
        attackerId = market.registerProvider(attacker, "ipfs://attacker");
        offerId = market.addOffer(attackerId, offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 1_000_000));
        vm.stopPrank();
    }

    function _request(uint32 reviewSeconds) internal returns (uint256 jobId) {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = reviewSeconds;
        vm.prank(buyer);
        jobId = market.requestJob(req);
    }
}

/// Finding 1: a keeper key plus a self-registered seller took a job's whole deposit.
contract Finding1KeeperAndSellerTakeTheDepositTest is FindingsBase {
    function test_NoStartInsideTheReviewWindow_SoTheBuyerCancelsAColludingRoute() external {
        uint256 jobId = _request(REVIEW);
        uint32 offerId = _attackerOffer();
        // The seller raises its price to the job's maximum and the keeper routes there at once.
        vm.prank(attacker);
        market.setPricing(offerId, PricingModel.Fixed, MAX_PRICE, 0, bytes32(0), 0);
        routeTo(jobId, offerId, MAX_PRICE);

        // Same block: the start that used to lock the buyer out is refused.
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InReviewWindow.selector, jobId, T0 + REVIEW)
        );
        startAs(jobId, attacker);

        // The buyer's app verifies the decision, sees the overpriced route and cancels for free.
        uint256 before = usdc.balanceOf(buyer);
        vm.prank(buyer);
        market.cancel(jobId);
        assertEq(usdc.balanceOf(buyer), before + DEPOSIT, "whole deposit back");
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Cancelled)
        );
        startAs(jobId, attacker);
    }

    function test_NoRouteAboveTheCeilingAnHonestTokenSellerCommitted() external {
        _expectNoRouteAboveCeiling(tokenOffer, TOKEN_CEILING);
    }

    function test_NoRouteAboveTheCeilingAGatewayOperatorCommitted() external {
        _expectNoRouteAboveCeiling(gatewayOffer, GATEWAY_CEILING);
    }

    function test_NoRouteToAFixedOfferAtAnythingButItsPrice() external {
        uint256 jobId = _request(0);
        uint32 offerId = _attackerOffer();
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_PriceMismatch.selector, MAX_PRICE, 1_000_000)
        );
        vm.prank(keeper);
        market.route(jobId, offerId, MAX_PRICE, ROOT);
    }

    function test_NoStartWhilePaused_SoTheGuardianStopsTheTheft() external {
        uint256 jobId = _request(0);
        uint32 offerId = _attackerOffer();
        vm.prank(attacker);
        market.setPricing(offerId, PricingModel.Fixed, MAX_PRICE, 0, bytes32(0), 0);
        routeTo(jobId, offerId, MAX_PRICE);
        pauseMarket();
        vm.expectRevert(IJobRegistry.JobRegistry_Paused.selector);
        startAs(jobId, attacker);
        vm.prank(buyer);
        market.cancel(jobId);
        assertStatus(jobId, JobStatus.Cancelled);
    }

    /// @dev A job willing to pay $5.00, routed by the keeper to `offerId` at $5.00, above its ceiling.
    function _expectNoRouteAboveCeiling(uint32 offerId, uint64 ceiling) private {
        vm.prank(buyer);
        uint256 jobId = market.requestJob(trackedRequest(GPUS, HOURS, 5_000_000));
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_PriceAboveCeiling.selector, 5_000_000, ceiling)
        );
        vm.prank(keeper);
        market.route(jobId, offerId, 5_000_000, ROOT);
    }
}

/// Finding 2: GPUs reserved by a dead job stayed reserved until the buyer acted, forever when an
/// Untracked job's key was lost; on Dynamic offers the ghost utilization raised every later price.
contract Finding2DeadJobsHoldCapacityTest is FindingsBase {
    function test_NoGpusHeldByAJobNeverStarted() external {
        uint256 dead = routedJob();
        vm.warp(T0 + START_WINDOW + 1);
        market.expire(dead);
        // The seller can shrink the offer to zero use, and the GPUs carry another job.
        vm.prank(seller);
        market.setCapacity(fixedOffer, CapacityState.Available, 1);
        vm.prank(seller);
        market.setCapacity(fixedOffer, CapacityState.Available, 8);
        uint256 next = requestTracked();
        routeTo(next, fixedOffer, FIXED_PRICE);
        assertEq(gpusInUse(fixedOffer), GPUS, "only the new job's GPUs");
    }

    function test_NoGpusHeldByAJobNeverCompleted() external {
        uint256 dead = startedJob();
        vm.warp(T0 + BOOKED_SECONDS + COMPLETION_GRACE + 1);
        vm.prank(stranger);
        market.expire(dead);
        assertEq(gpusInUse(fixedOffer), 0, "freed");
        assertEq(market.refundDue(dead), DEPOSIT, "the buyer keeps its claim");
    }

    function test_NoGpusHeldForeverByAnUntrackedJobWhoseKeyIsLost() external {
        uint256 lost = requestUntracked();
        routeTo(lost, fixedOffer, FIXED_PRICE);
        vm.warp(T0 + START_WINDOW + 1);
        vm.prank(stranger);
        market.expire(lost);
        assertEq(gpusInUse(fixedOffer), 0, "freed without the job key");
    }

    function test_NoGhostUtilizationInDynamicPrices() external {
        uint256 dead = requestTracked();
        routeTo(dead, dynamicOffer, 1_800_000);
        vm.warp(T0 + START_WINDOW + 1);
        market.expire(dead);
        uint256 next = requestTracked();
        routeTo(next, dynamicOffer, 1_800_000);
        assertEq(market.getJob(next).pricePerGpuHour, 1_800_000, "the floor, not a ghost premium");
    }
}

/// Finding 3: the fee was read at completion, so a fee raised after a job started cut its pay.
contract Finding3FeeRaisedMidJobTest is FindingsBase {
    function test_NoFeeRaiseAfterRouteCutsTheProvidersPay() external {
        uint256 jobId = startedJob();
        setFee(market.MAX_FEE_BPS());
        vm.warp(T0 + 2 hours);
        vm.prank(seller);
        market.completeJob(jobId, 2 hours);
        assertEq(market.earningsOf(sellerPayout), 8e6, "paid in full at the fee of its route (0)");
        assertEq(market.earningsOf(treasury), 0, "no fee");
    }
}

/// Finding 4: team caps and controls were labels: a 2x burst at a window boundary, refunds that never
/// gave budget back, routes for removed members, and team jobs paid from members' wallets.
contract Finding4TeamControlsTest is FindingsBase {
    uint256 internal constant CAP = 48e6; // two standard jobs

    function setUp() public override {
        super.setUp();
        fundTeamTreasury();
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, CAP);
    }

    function test_NoDoubleCapAcrossAWindowBoundary() external {
        uint256 epoch = market.SPEND_EPOCH();
        vm.warp((block.timestamp / epoch + 1) * epoch - 1);
        requestTeam();
        requestTeam();
        vm.warp(block.timestamp + 2); // a second later, in the next epoch
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_SpendingCapExceeded.selector, teamId, CAP, DEPOSIT, CAP
            )
        );
        requestTeam();
    }

    function test_NoTeamLockoutByRequestingAndCancellingACapSizedJob() external {
        vm.prank(teamUser);
        uint256 jobId = market.requestJob(teamRequest(1, 1, uint64(CAP)));
        vm.prank(teamUser);
        market.cancel(jobId);
        vm.prank(teamAdmin);
        market.requestJob(teamRequest(1, 1, uint64(CAP)));
    }

    function test_NoRouteForAMemberRemovedAfterRequesting() external {
        uint256 jobId = requestTeam();
        vm.prank(teamAdmin);
        team.setRole(teamId, teamUser, TeamRole.None);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_SubmitterNotActive.selector, teamId, teamUser)
        );
        routeTo(jobId, fixedOffer, FIXED_PRICE);
    }

    function test_NoTeamJobPaidFromTheMembersWallet() external {
        uint256 walletBefore = usdc.balanceOf(teamUser);
        uint256 jobId = requestTeam();
        assertEq(usdc.balanceOf(teamUser), walletBefore, "the treasury pays");
        (uint256 balance,,,) = market.teamFunds(teamId);
        assertEq(balance, TEAM_TREASURY - DEPOSIT, "drawn on the treasury");
        // And the team's money only moves under its whitelist.
        vm.prank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_ProviderNotWhitelisted.selector, teamId, sellerId)
        );
        routeTo(jobId, fixedOffer, FIXED_PRICE);
    }
}

/// Finding 5: a job could outlive its offer's window, timestamps wrapped in 2106, unbounded start
/// window and grace could lock funds, the admin role moved in one step.
contract Finding5HygieneTest is FindingsBase {
    function test_NoJobRoutedToRunPastItsOffersWindow() external {
        // Open until the booked hours from now: the review and start windows no longer fit.
        vm.prank(seller);
        market.setAvailability(fixedOffer, 0, uint40(T0 + BOOKED_SECONDS));
        uint256 jobId = _request(REVIEW);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_OutsideWindow.selector,
                fixedOffer,
                0,
                T0 + BOOKED_SECONDS,
                T0 + REVIEW + START_WINDOW + BOOKED_SECONDS
            )
        );
        routeTo(jobId, fixedOffer, FIXED_PRICE);
    }

    function test_NoTimestampWrapAfter2106() external {
        uint256 after2106 = uint256(type(uint32).max) + 1 days;
        vm.warp(after2106);
        uint256 jobId = _request(REVIEW);
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        vm.warp(after2106 + REVIEW);
        startAs(jobId, seller);
        assertEq(market.getJob(jobId).startedAt, after2106 + REVIEW, "startedAt beyond 2^32");
        vm.warp(after2106 + REVIEW + 1 hours);
        vm.prank(seller);
        market.completeJob(jobId, 1 hours);
        assertEq(market.earningsOf(sellerPayout), 4e6, "settled");

        uint256 dead = requestTracked();
        routeTo(dead, fixedOffer, FIXED_PRICE);
        vm.warp(block.timestamp + START_WINDOW + 1);
        market.expire(dead);
    }

    function test_NoDeploymentWithAnUnboundedStartWindowOrGrace() external {
        uint256 maxWindow = market.MAX_START_WINDOW();
        uint256 maxGrace = market.MAX_COMPLETION_GRACE();
        IERC20 token = IERC20(address(usdc));
        ITeamAccess teams = ITeamAccess(address(team));
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_StartWindowOutOfRange.selector,
                maxWindow + 1,
                market.MIN_START_WINDOW(),
                maxWindow
            )
        );
        deployMarket(admin, token, teams, maxWindow + 1, 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_CompletionGraceOutOfRange.selector,
                type(uint256).max,
                market.MIN_COMPLETION_GRACE(),
                maxGrace
            )
        );
        deployMarket(admin, token, teams, 2 hours, type(uint256).max);
    }

    function test_NoOneStepAdminTransfer() external {
        address next = makeAddr("nextAdmin");
        bytes32 adminRole = market.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(admin);
        market.grantRole(adminRole, next);

        vm.prank(admin);
        market.beginDefaultAdminTransfer(next);
        uint48 schedule = uint48(block.timestamp + market.INITIAL_ADMIN_DELAY());
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule
            )
        );
        vm.prank(next);
        market.acceptDefaultAdminTransfer();
        assertEq(market.defaultAdmin(), admin, "still the old admin");

        vm.warp(schedule + 1);
        vm.prank(next);
        market.acceptDefaultAdminTransfer();
        assertEq(market.defaultAdmin(), next, "handed over after the delay");
        assertFalse(market.hasRole(adminRole, admin), "the old admin lost the role");
    }
}
