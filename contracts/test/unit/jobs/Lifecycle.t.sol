// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {JobsBase} from "./JobsBase.sol";
import {IJobRegistry, Job, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// startJob
/// ├── given an unknown job / a job not Routed: reverts
/// ├── when the caller does not own the job's provider (a stranger, the provider's payout): reverts
/// ├── given the start deadline passed: reverts with the deadline
/// └── otherwise (up to the deadline included, seller or gateway): Started, JobStarted
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
        emit IJobRegistry.JobStarted(jobId, fixedOffer);
        startAs(jobId, seller);

        Job memory job = market.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobStatus.Started), "status");
        assertEq(job.startedAt, T0 + START_WINDOW, "startedAt");
        assertEq(job.routedAt, T0, "routedAt");
        assertEq(gpusInUse(fixedOffer), GPUS, "GPUs still reserved");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "escrow unchanged");
    }

    function test_WhenGatewayOperatorStarts() external {
        uint256 gatewayJob = requestTracked();
        routeTo(gatewayJob, gatewayOffer, MAX_PRICE);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobStarted(gatewayJob, gatewayOffer);
        startAs(gatewayJob, gatewayOperator);
        assertStatus(gatewayJob, JobStatus.Started);
    }
}

/// completeJob
/// ├── given an unknown job / a job not Started: reverts
/// ├── when the caller does not own the job's provider: reverts
/// ├── given the completion deadline passed: reverts with the deadline
/// ├── when usedSeconds exceeds the booked hours, or the time since start: reverts with the bound
/// └── otherwise: Completed, GPUs freed, earnings (less the fee) to the payout, the fee to the
///     treasury, the rest due to the buyer, JobCompleted; earnings round down
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

    function test_WhenFullBookingAtDeadline() external {
        vm.warp(T0 + BOOKED_SECONDS + COMPLETION_GRACE);
        _complete(jobId, seller, uint32(BOOKED_SECONDS));
        assertEq(market.earningsOf(sellerPayout), 16e6, "provider earnings");
        assertEq(market.refundDue(jobId), 8e6, "buyer refund due");
    }

    function test_WhenEarningsFractional_RoundsDownForBuyer() external {
        setFee(1000);
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
