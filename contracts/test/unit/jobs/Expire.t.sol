// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {JobsBase} from "./JobsBase.sol";
import {IJobRegistry, JobAction, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// expire
/// ├── given an unknown job: reverts
/// ├── given a job that holds no GPUs (Requested, Unroutable, Cancelled, Completed, Refunded,
/// │   Expired): reverts NotExpired with an unreachable deadline
/// ├── given Routed up to its start deadline (review end + start window) / Started up to its
/// │   completion deadline: reverts NotExpired with that deadline
/// └── given Routed or Started past its deadline (anyone; while paused too, see PauseTest): Expired, exactly the
///     job's GPUs freed, JobExpired; the deposit stays claimable in full by the controller (claimRefund,
///     claimRefundWithSig); a team job's deposit goes straight back to its treasury (Refunded)
contract ExpireTest is JobsBase {
    uint256 internal constant UNREACHABLE = type(uint256).max;

    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        market.expire(99);
    }

    function test_RevertGiven_Requested() external {
        uint256 jobId = requestTracked();
        vm.warp(T0 + 365 days);
        _expectNotExpired(jobId, JobStatus.Requested, UNREACHABLE);
    }

    function test_RevertGiven_JobHoldsNoGpus() external {
        uint256 unroutable = unroutableJob();
        uint256 completed = completedJob(1 hours);
        uint256 cancelled = requestTracked();
        vm.prank(buyer);
        market.cancel(cancelled);
        vm.warp(T0 + 365 days);
        _expectNotExpired(unroutable, JobStatus.Unroutable, UNREACHABLE);
        _expectNotExpired(completed, JobStatus.Completed, UNREACHABLE);
        _expectNotExpired(cancelled, JobStatus.Cancelled, UNREACHABLE);
        vm.prank(buyer);
        market.claimRefund(completed);
        _expectNotExpired(completed, JobStatus.Refunded, UNREACHABLE);
    }

    function test_RevertGiven_AlreadyExpired() external {
        uint256 jobId = routedJob();
        vm.warp(T0 + START_WINDOW + 1);
        market.expire(jobId);
        _expectNotExpired(jobId, JobStatus.Expired, UNREACHABLE);
    }

    function test_RevertGiven_RoutedUpToStartDeadline() external {
        uint256 jobId = routedJobWithReview(REVIEW);
        vm.warp(T0 + REVIEW + START_WINDOW);
        _expectNotExpired(jobId, JobStatus.Routed, T0 + REVIEW + START_WINDOW);
    }

    function test_RevertGiven_StartedUpToCompletionDeadline() external {
        uint256 jobId = startedJob();
        uint256 deadline = T0 + BOOKED_SECONDS + COMPLETION_GRACE;
        vm.warp(deadline);
        _expectNotExpired(jobId, JobStatus.Started, deadline);
    }

    function test_GivenRoutedPastStartDeadline() external {
        uint256 jobId = routedJobWithReview(REVIEW);
        uint256 other = routedJob();
        vm.warp(T0 + REVIEW + START_WINDOW + 1);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobExpired(jobId, JobStatus.Routed);
        vm.prank(stranger);
        market.expire(jobId);

        assertStatus(jobId, JobStatus.Expired);
        assertEq(gpusInUse(fixedOffer), GPUS, "only the expired job's GPUs are freed");
        assertStatus(other, JobStatus.Routed);
        assertEq(market.refundDue(jobId), DEPOSIT, "the deposit stays claimable");
        assertEq(usdc.balanceOf(address(market)), 2 * DEPOSIT, "nothing paid yet");
    }

    function test_GivenStartedPastCompletionDeadline() external {
        uint256 jobId = startedJob();
        vm.warp(T0 + BOOKED_SECONDS + COMPLETION_GRACE + 1);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobExpired(jobId, JobStatus.Started);
        market.expire(jobId);
        assertStatus(jobId, JobStatus.Expired);
        assertEq(gpusInUse(fixedOffer), 0, "GPUs freed");
        assertEq(market.getJob(jobId).startedAt, T0, "start time kept");
    }

    function test_WhenControllerClaimsExpiredJob() external {
        uint256 jobId = routedJob();
        vm.warp(T0 + START_WINDOW + 1);
        market.expire(jobId);
        uint256 before = usdc.balanceOf(buyer);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRefunded(jobId, JobStatus.Expired, DEPOSIT);
        vm.prank(buyer);
        market.claimRefund(jobId);
        assertStatus(jobId, JobStatus.Refunded);
        assertEq(usdc.balanceOf(buyer), before + DEPOSIT, "whole deposit back");
        assertEq(gpusInUse(fixedOffer), 0, "freed once, not twice");
    }

    function test_WhenJobKeySignsClaimOfExpiredUntrackedJob() external {
        uint256 jobId = requestUntracked();
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        vm.warp(T0 + START_WINDOW + 1);
        market.expire(jobId);
        address recipient = makeAddr("recipient");
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signAction(jobKeyPk, jobId, JobAction.ClaimRefund, recipient, deadline);
        market.claimRefundWithSig(jobId, recipient, deadline, sig);
        assertEq(usdc.balanceOf(recipient), DEPOSIT, "recipient refunded");
    }

    function test_GivenTeamJob_CreditsTheTeam() external {
        fundTeamTreasury();
        uint256 jobId = requestTeam();
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        vm.warp(T0 + START_WINDOW + 1);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobExpired(jobId, JobStatus.Routed);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRefunded(jobId, JobStatus.Expired, DEPOSIT);
        market.expire(jobId);
        assertStatus(jobId, JobStatus.Refunded);
        (uint256 balance, uint256 windowSpend,,) = market.teamFunds(teamId);
        assertEq(balance, TEAM_TREASURY, "deposit back in the treasury");
        assertEq(windowSpend, 0, "and off the cap");
    }

    function test_WhenDynamicOfferExpires_PriceFallsBack() external {
        uint256 jobId = requestTracked();
        routeTo(jobId, dynamicOffer, 1_800_000);
        assertEq(market.currentPrice(dynamicOffer), 2_025_000, "ghost utilization");
        vm.warp(T0 + START_WINDOW + 1);
        market.expire(jobId);
        assertEq(market.currentPrice(dynamicOffer), 1_800_000, "back to the floor");
    }

    function _expectNotExpired(uint256 jobId, JobStatus status, uint256 deadline) private {
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_NotExpired.selector, jobId, status, deadline)
        );
        market.expire(jobId);
    }
}
