// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {JobsBase} from "./JobsBase.sol";
import {IJobRegistry, Job, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";
import {ITeamTreasury} from "../../../src/interfaces/ITeamTreasury.sol";

/// startJob
/// ├── given paused / an unknown job / a job not Routed: reverts
/// ├── when the caller does not own the job's provider (a stranger, the provider's payout): reverts
/// ├── given the review window has not passed: reverts with its end
/// ├── given the start deadline (review end + start window) passed: reverts with the deadline
/// └── otherwise (from the review end to the deadline included, seller or gateway): Started, JobStarted
contract StartJobTest is JobsBase {
    uint256 internal jobId;

    function setUp() public override {
        super.setUp();
        jobId = routedJob();
    }

    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        startAs(99, seller);
    }

    function test_RevertGiven_Paused() external {
        pauseMarket();
        vm.expectRevert(IJobRegistry.JobRegistry_Paused.selector);
        startAs(jobId, seller);
    }

    function test_RevertGiven_InReviewWindow() external {
        uint256 reviewed = routedJobWithReview(REVIEW);
        vm.warp(T0 + REVIEW - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InReviewWindow.selector, reviewed, T0 + REVIEW)
        );
        startAs(reviewed, seller);
    }

    function test_GivenReviewWindowPassed_StartsUntilDeadline() external {
        uint256 reviewed = routedJobWithReview(REVIEW);
        Job memory job = market.getJob(reviewed);
        assertEq(job.reviewEndsAt, T0 + REVIEW, "review end");
        assertEq(job.startDeadline, T0 + REVIEW + START_WINDOW, "start deadline");
        vm.warp(T0 + REVIEW + START_WINDOW + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_StartDeadlinePassed.selector, reviewed, T0 + REVIEW + START_WINDOW
            )
        );
        startAs(reviewed, seller);
        vm.warp(T0 + REVIEW + START_WINDOW);
        startAs(reviewed, seller);
        assertStatus(reviewed, JobStatus.Started);
    }

    function test_GivenReviewWindowPassedExactly_Starts() external {
        uint256 reviewed = routedJobWithReview(REVIEW);
        vm.warp(T0 + REVIEW);
        startAs(reviewed, seller);
        assertEq(market.getJob(reviewed).startedAt, T0 + REVIEW, "startedAt");
    }

    function test_RevertGiven_JobNotRouted() external {
        uint256 requested = requestTracked();
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_WrongStatus.selector, requested, JobStatus.Requested
            )
        );
        startAs(requested, seller);
    }

    function test_RevertGiven_JobAlreadyStarted() external {
        startAs(jobId, seller);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Started)
        );
        startAs(jobId, seller);
    }

    function test_RevertWhen_CallerNotJobProvider() external {
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_NotJobProvider.selector, jobId, stranger)
        );
        startAs(jobId, stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_NotJobProvider.selector, jobId, sellerPayout)
        );
        startAs(jobId, sellerPayout);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_NotJobProvider.selector, jobId, gatewayOperator)
        );
        startAs(jobId, gatewayOperator);
    }

    function test_RevertGiven_StartDeadlinePassed() external {
        vm.warp(T0 + START_WINDOW + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_StartDeadlinePassed.selector, jobId, T0 + START_WINDOW
            )
        );
        startAs(jobId, seller);
    }

    function test_WhenProviderStarts() external {
        vm.warp(T0 + START_WINDOW);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobStarted(jobId);
        startAs(jobId, seller);

        Job memory job = market.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobStatus.Started), "status");
        assertEq(job.startedAt, T0 + START_WINDOW, "startedAt");
        assertEq(job.completionDeadline, T0 + START_WINDOW + BOOKED_SECONDS + COMPLETION_GRACE, "deadline");
        assertEq(job.routedAt, 0, "the routing times are in the events once started");
        assertEq(gpusInUse(fixedOffer), GPUS, "GPUs still reserved");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "escrow unchanged");
    }

    function test_WhenGatewayOperatorStarts() external {
        uint256 gatewayJob = requestTracked();
        routeTo(gatewayJob, gatewayOffer, MAX_PRICE);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobStarted(gatewayJob);
        startAs(gatewayJob, gatewayOperator);
        assertStatus(gatewayJob, JobStatus.Started);
    }
}

/// completeJob
/// ├── given an unknown job / a job not Started: reverts
/// ├── when the caller does not own the job's provider: reverts
/// ├── given the completion deadline passed: reverts with the deadline
/// ├── when usedSeconds exceeds the booked hours, or the time since start: reverts with the bound
/// ├── given paused: completes as usual
/// ├── given a team job: the rest goes straight back to the team's treasury (Refunded)
/// └── otherwise: Completed, GPUs freed, earnings (less the fee fixed at route) to the payout, the
///     fee to the treasury, the rest due to the buyer, JobCompleted; earnings round down
contract CompleteJobTest is JobsBase {
    uint256 internal jobId;

    function setUp() public override {
        super.setUp();
        jobId = startedJob();
    }

    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        _complete(99, seller, 0);
    }

    function test_RevertGiven_JobNotStarted() external {
        uint256 routed = routedJob();
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, routed, JobStatus.Routed)
        );
        _complete(routed, seller, 0);
    }

    function test_RevertGiven_JobAlreadyCompleted() external {
        vm.warp(T0 + 1 hours);
        _complete(jobId, seller, 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Completed)
        );
        _complete(jobId, seller, 1 hours);
    }

    function test_RevertWhen_CallerNotJobProvider() external {
        vm.warp(T0 + 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_NotJobProvider.selector, jobId, stranger)
        );
        _complete(jobId, stranger, 1 hours);
    }

    function test_RevertGiven_CompletionDeadlinePassed() external {
        uint256 deadline = T0 + BOOKED_SECONDS + COMPLETION_GRACE;
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_CompletionDeadlinePassed.selector, jobId, deadline
            )
        );
        _complete(jobId, seller, uint32(BOOKED_SECONDS));
    }

    function test_RevertWhen_UsedSecondsAboveBookedHours() external {
        vm.warp(T0 + BOOKED_SECONDS + 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_UsedSecondsTooHigh.selector,
                uint32(BOOKED_SECONDS + 1),
                BOOKED_SECONDS
            )
        );
        _complete(jobId, seller, uint32(BOOKED_SECONDS + 1));
    }

    function test_RevertWhen_UsedSecondsAboveTimeSinceStart() external {
        vm.warp(T0 + 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_UsedSecondsTooHigh.selector, uint32(1 hours + 1), 1 hours
            )
        );
        _complete(jobId, seller, 1 hours + 1);
    }

    function test_WhenNoFee() external {
        vm.warp(T0 + 3 hours);
        // $2.00 x 2 GPUs x 3 h = 12 USDC earned; 24 - 12 = 12 USDC due to the buyer.
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCompleted(jobId, fixedOffer, sellerPayout, 3 hours, 12e6, 0, 12e6);
        _complete(jobId, seller, 3 hours);

        Job memory job = market.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobStatus.Completed), "status");
        assertEq(job.usedSeconds, 3 hours, "usedSeconds");
        assertEq(gpusInUse(fixedOffer), 0, "GPUs freed");
        assertEq(market.earningsOf(sellerPayout), 12e6, "provider earnings");
        assertEq(market.earningsOf(seller), 0, "owner earns nothing");
        assertEq(market.refundDue(jobId), 12e6, "buyer refund due");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "nothing paid out yet");
    }

    function test_WhenFeeSet() external {
        setFee(500);
        jobId = startedJob();
        vm.warp(T0 + 3 hours);
        // 12 USDC earned: 5% (0.6) to the treasury, 11.4 to the provider, 12 back to the buyer.
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCompleted(jobId, fixedOffer, sellerPayout, 3 hours, 11.4e6, 0.6e6, 12e6);
        _complete(jobId, seller, 3 hours);

        assertEq(market.earningsOf(sellerPayout), 11.4e6, "provider earnings");
        assertEq(market.earningsOf(treasury), 0.6e6, "treasury fee");
        assertEq(market.refundDue(jobId), 12e6, "buyer refund due");
        assertEq(
            market.earningsOf(sellerPayout) + market.earningsOf(treasury) + market.refundDue(jobId),
            DEPOSIT,
            "settlement sums to deposit"
        );
    }

    function test_GivenPaused_Completes() external {
        pauseMarket();
        vm.warp(T0 + 1 hours);
        _complete(jobId, seller, 1 hours);
        assertStatus(jobId, JobStatus.Completed);
    }

    function test_WhenFeeChangedAfterRoute_SettlesWithRouteFee() external {
        uint256 feeJob = requestTracked();
        setFee(200);
        routeTo(feeJob, fixedOffer, FIXED_PRICE);
        startAs(feeJob, seller);
        setFee(1000);
        vm.warp(T0 + 3 hours);
        // 12 USDC earned at the 2% fixed at route, not the 10% in force at completion.
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCompleted(feeJob, fixedOffer, sellerPayout, 3 hours, 11.76e6, 0.24e6, 12e6);
        _complete(feeJob, seller, 3 hours);
        assertEq(market.getJob(feeJob).feeBps, 200, "fee fixed at route");
    }

    function test_GivenTeamJob_CreditsTheRestToTheTeam() external {
        fundTeamTreasury();
        uint256 teamJob = requestTeam();
        routeTo(teamJob, fixedOffer, FIXED_PRICE);
        startAs(teamJob, seller);
        vm.warp(T0 + 3 hours);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCompleted(teamJob, fixedOffer, sellerPayout, 3 hours, 12e6, 0, 12e6);
        vm.expectEmit(address(market));
        emit ITeamTreasury.TeamJobCredited(teamId, teamJob, 12e6, TEAM_TREASURY - 12e6, 12e6);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRefunded(teamJob, JobStatus.Completed, 12e6);
        _complete(teamJob, seller, 3 hours);
        assertStatus(teamJob, JobStatus.Refunded);
        (uint256 balance, uint256 windowSpend,,) = market.teamFunds(teamId);
        assertEq(balance, TEAM_TREASURY - 12e6, "the team paid what was used");
        assertEq(windowSpend, 12e6, "the cap counts what was spent");
        assertEq(market.refundDue(teamJob), 0, "nothing left to claim");
    }

    function test_WhenFullBookingAtDeadline() external {
        vm.warp(T0 + BOOKED_SECONDS + COMPLETION_GRACE);
        _complete(jobId, seller, uint32(BOOKED_SECONDS));
        assertEq(market.earningsOf(sellerPayout), 16e6, "provider earnings");
        assertEq(market.refundDue(jobId), 8e6, "buyer refund due");
    }

    function test_WhenEarningsFractional_RoundsDownForBuyer() external {
        setFee(1000);
        jobId = startedJob();
        vm.warp(T0 + 1);
        // $2.00 x 2 GPUs x 1 s = 1111.1 base units: 1111 earned, fee 111, 22_998_889 back.
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCompleted(jobId, fixedOffer, sellerPayout, 1, 1000, 111, DEPOSIT - 1111);
        _complete(jobId, seller, 1);
    }

    function test_WhenZeroSecondsUsed() external {
        _complete(jobId, seller, 0);
        assertEq(market.earningsOf(sellerPayout), 0, "no earnings");
        assertEq(market.refundDue(jobId), DEPOSIT, "whole deposit due");
    }

    function _complete(uint256 id, address caller, uint32 usedSeconds) private {
        vm.prank(caller);
        market.completeJob(id, usedSeconds);
    }
}
