// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {JobsBase} from "./JobsBase.sol";
import {IJobRegistry, Job, JobAction, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// withdraw
/// ├── when `to` is zero: reverts
/// ├── given nothing accrued (a stranger, the provider's owner, twice in a row): reverts
/// └── otherwise: pays all accrued earnings to `to` (self or another address), EarningsWithdrawn
contract WithdrawTest is JobsBase {
    uint256 internal constant PROVIDER_SHARE = 11.4e6;
    uint256 internal constant FEE = 0.6e6;

    function setUp() public override {
        super.setUp();
        setFee(500);
        completedJob(3 hours); // 12 USDC earned: 11.4 to the payout, 0.6 to the treasury
    }

    function test_RevertWhen_ToZeroAddress() external {
        vm.expectRevert(IJobRegistry.JobRegistry_ZeroAddress.selector);
        vm.prank(sellerPayout);
        market.withdraw(address(0));
    }

    function test_RevertGiven_NothingAccrued() external {
        _expectNothing(stranger);
        // Earnings accrue to the payout address, never to the provider's owner.
        _expectNothing(seller);
    }

    function test_RevertGiven_AlreadyWithdrawn() external {
        vm.prank(sellerPayout);
        market.withdraw(sellerPayout);
        _expectNothing(sellerPayout);
    }

    function test_WhenToSelf() external {
        vm.expectEmit(address(market));
        emit IJobRegistry.EarningsWithdrawn(sellerPayout, sellerPayout, PROVIDER_SHARE);
        vm.prank(sellerPayout);
        market.withdraw(sellerPayout);

        assertEq(usdc.balanceOf(sellerPayout), PROVIDER_SHARE, "payout paid");
        assertEq(market.earningsOf(sellerPayout), 0, "earnings cleared");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT - PROVIDER_SHARE, "escrow");
    }

    function test_WhenToAnotherAddress() external {
        address cold = makeAddr("cold");
        vm.expectEmit(address(market));
        emit IJobRegistry.EarningsWithdrawn(sellerPayout, cold, PROVIDER_SHARE);
        vm.prank(sellerPayout);
        market.withdraw(cold);

        assertEq(usdc.balanceOf(cold), PROVIDER_SHARE, "cold wallet paid");
        assertEq(usdc.balanceOf(sellerPayout), 0, "payout not paid");
        assertEq(market.earningsOf(sellerPayout), 0, "earnings cleared");
    }

    function test_WhenTreasuryWithdrawsFee() external {
        vm.expectEmit(address(market));
        emit IJobRegistry.EarningsWithdrawn(treasury, treasury, FEE);
        vm.prank(treasury);
        market.withdraw(treasury);
        assertEq(usdc.balanceOf(treasury), FEE, "treasury paid");
    }

    function test_WhenEarningsFromSeveralJobs() external {
        completedJob(1 hours); // 4 USDC earned: 3.8 to the payout
        assertEq(market.earningsOf(sellerPayout), PROVIDER_SHARE + 3.8e6, "accrued");
        vm.prank(sellerPayout);
        market.withdraw(sellerPayout);
        assertEq(usdc.balanceOf(sellerPayout), PROVIDER_SHARE + 3.8e6, "paid in one transfer");
    }

    function _expectNothing(address account) private {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_NothingToWithdraw.selector, account));
        vm.prank(account);
        market.withdraw(account);
    }
}

/// setProtocolFee
/// ├── when the caller is not the admin: reverts
/// ├── when the fee is above MAX_FEE_BPS / the treasury is zero: reverts
/// └── otherwise: stores fee and treasury, ProtocolFeeUpdated
contract SetProtocolFeeTest is JobsBase {
    function test_RevertWhen_CallerNotAdmin() external {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0)
            )
        );
        vm.prank(stranger);
        market.setProtocolFee(100, treasury);
    }

    function test_RevertWhen_FeeAboveMax() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_FeeTooHigh.selector, 1001, 1000));
        vm.prank(admin);
        market.setProtocolFee(1001, treasury);
    }

    function test_RevertWhen_TreasuryZero() external {
        vm.expectRevert(IJobRegistry.JobRegistry_ZeroAddress.selector);
        vm.prank(admin);
        market.setProtocolFee(100, address(0));
    }

    function test_WhenValid() external {
        assertEq(market.MAX_FEE_BPS(), 1000, "at most 10%");
        vm.expectEmit(address(market));
        emit IJobRegistry.ProtocolFeeUpdated(1000, treasury);
        vm.prank(admin);
        market.setProtocolFee(1000, treasury);
        assertEq(market.protocolFeeBps(), 1000, "fee");
        assertEq(market.treasury(), treasury, "treasury");

        vm.prank(admin);
        market.setProtocolFee(0, stranger);
        assertEq(market.protocolFeeBps(), 0, "fee cleared");
        assertEq(market.treasury(), stranger, "treasury moved");
    }
}

/// pause / unpause
/// ├── when the caller is not the guardian: reverts
/// ├── otherwise: sets the flag, Paused / Unpaused; requests work again after unpause
/// └── given paused: cancel, claimRefund, their signed forms, withdraw, start and complete still work
///     (requestJob, requestJobWithPermit, route, reroute and markUnroutable revert: see their tests)
contract PauseTest is JobsBase {
    function test_RevertWhen_PauseCallerNotGuardian() external {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, admin, market.GUARDIAN_ROLE()
            )
        );
        vm.prank(admin);
        market.pause();
    }

    function test_RevertWhen_UnpauseCallerNotGuardian() external {
        pauseMarket();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, keeper, market.GUARDIAN_ROLE()
            )
        );
        vm.prank(keeper);
        market.unpause();
    }

    function test_WhenGuardianPauses() external {
        vm.expectEmit(address(market));
        emit IJobRegistry.Paused(guardian);
        pauseMarket();
        assertTrue(market.paused(), "paused");
    }

    function test_WhenGuardianUnpauses() external {
        pauseMarket();
        vm.expectEmit(address(market));
        emit IJobRegistry.Unpaused(guardian);
        vm.prank(guardian);
        market.unpause();
        assertFalse(market.paused(), "unpaused");
        assertStatus(requestTracked(), JobStatus.Requested);
    }

    function test_GivenPaused_CancelWorks() external {
        uint256 jobId = routedJob();
        pauseMarket();
        vm.prank(buyer);
        market.cancel(jobId);
        assertStatus(jobId, JobStatus.Cancelled);
    }

    function test_GivenPaused_CancelWithSigWorks() external {
        uint256 jobId = requestUntracked();
        pauseMarket();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signAction(jobKeyPk, jobId, JobAction.Cancel, stranger, deadline);
        market.cancelWithSig(jobId, stranger, deadline, sig);
        assertEq(usdc.balanceOf(stranger), DEPOSIT, "recipient paid");
    }

    function test_GivenPaused_ClaimRefundWorks() external {
        uint256 jobId = unroutableJob();
        pauseMarket();
        vm.prank(buyer);
        market.claimRefund(jobId);
        assertStatus(jobId, JobStatus.Refunded);
    }

    function test_GivenPaused_ClaimRefundWithSigWorks() external {
        uint256 jobId = unroutableJob();
        pauseMarket();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signAction(buyerKey, jobId, JobAction.ClaimRefund, stranger, deadline);
        market.claimRefundWithSig(jobId, stranger, deadline, sig);
        assertEq(usdc.balanceOf(stranger), DEPOSIT, "recipient paid");
    }

    function test_GivenPaused_WithdrawWorks() external {
        completedJob(1 hours);
        pauseMarket();
        vm.prank(sellerPayout);
        market.withdraw(sellerPayout);
        assertEq(usdc.balanceOf(sellerPayout), 4e6, "payout paid");
    }

    function test_GivenPaused_StartStopsButCompleteWorks() external {
        uint256 routed = routedJob();
        uint256 running = startedJob();
        pauseMarket();
        vm.expectRevert(IJobRegistry.JobRegistry_Paused.selector);
        startAs(routed, seller);
        vm.warp(T0 + 1 hours);
        vm.prank(seller);
        market.completeJob(running, 1 hours);
        assertStatus(running, JobStatus.Completed);
    }

    function test_GivenPaused_ExpireWorks() external {
        uint256 jobId = routedJob();
        pauseMarket();
        vm.warp(T0 + START_WINDOW + 1);
        market.expire(jobId);
        assertStatus(jobId, JobStatus.Expired);
    }

    function test_GivenPaused_TeamWithdrawalWorksAndDepositsStop() external {
        fundTeamTreasury();
        pauseMarket();
        vm.expectRevert(IJobRegistry.JobRegistry_Paused.selector);
        vm.prank(teamAdmin);
        market.depositToTeam(teamId, 1e6);
        vm.prank(teamAdmin);
        market.withdrawFromTeam(teamId, teamAdmin, 1e6);
        (uint256 balance,,,) = market.teamFunds(teamId);
        assertEq(balance, TEAM_TREASURY - 1e6, "withdrawn while paused");
    }
}

/// getJob, depositOf, earningsOf, jobActionDigest
/// ├── given an unknown job: getJob and depositOf revert
/// ├── getJob: the GPU model from the request, then from the offer once routed; zero (with the
/// │   root) once marked unroutable; the decision root only once one was committed
/// └── jobActionDigest: EIP-712 over (jobId, action, recipient, deadline), bound to chain and market
contract ViewsTest is JobsBase {
    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 1));
        market.getJob(1);
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 1));
        market.depositOf(1);
    }

    function test_GetJob_GivenRouted() external {
        vm.warp(T0 + 5);
        uint256 jobId = routedJob();
        Job memory job = market.getJob(jobId);
        assertEq(job.gpuModel, H100, "model from the offer");
        assertEq(job.decisionRoot, ROOT, "root");
        assertEq(job.offerId, fixedOffer, "offer");
        assertEq(job.routedAt, T0 + 5, "routedAt");
        assertEq(job.startedAt, 0, "not started");
        assertEq(job.usedSeconds, 0, "no usage");
    }

    function test_GetJob_GivenCancelledBeforeRouting() external {
        uint256 jobId = requestTracked();
        vm.prank(buyer);
        market.cancel(jobId);
        Job memory job = market.getJob(jobId);
        assertEq(job.gpuModel, H100, "model kept");
        assertEq(job.decisionRoot, bytes32(0), "no root");
    }

    function test_GetJob_GivenUnroutableThenRefunded() external {
        uint256 jobId = unroutableJob();
        Job memory job = market.getJob(jobId);
        assertEq(job.gpuModel, bytes16(0), "model replaced by the root");
        assertEq(job.decisionRoot, ROOT, "root");
        vm.prank(buyer);
        market.claimRefund(jobId);
        job = market.getJob(jobId);
        assertEq(job.decisionRoot, ROOT, "root kept once refunded");
        assertEq(job.gpuModel, bytes16(0), "model");
    }

    function test_GetJob_GivenCompletedThenRefunded() external {
        uint256 jobId = completedJob(2 hours);
        vm.prank(buyer);
        market.claimRefund(jobId);
        Job memory job = market.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobStatus.Refunded), "status");
        assertEq(job.gpuModel, H100, "model");
        assertEq(job.decisionRoot, ROOT, "root");
        assertEq(job.usedSeconds, 2 hours, "usedSeconds");
        assertEq(job.startedAt, 0, "only the current stage's times are kept");
        assertEq(job.pricePerGpuHour, FIXED_PRICE, "price");
    }

    function test_DepositAndEarnings() external {
        uint256 jobId = requestTracked();
        assertEq(market.depositOf(jobId), DEPOSIT, "deposit");
        assertEq(market.earningsOf(sellerPayout), 0, "no earnings yet");
    }

    function test_JobActionDigest() external {
        address to = makeAddr("to");
        uint256 deadline = T0 + 1 days;
        for (uint8 a; a < 2; ++a) {
            JobAction action = JobAction(a);
            assertEq(
                market.jobActionDigest(7, action, to, deadline),
                digestFor(address(market), block.chainid, 7, action, to, deadline),
                "EIP-712 digest"
            );
        }
        assertEq(
            market.JOB_ACTION_TYPEHASH(),
            keccak256("JobAction(uint256 jobId,uint8 action,address recipient,uint256 deadline)"),
            "typehash"
        );
        bytes32 here = market.jobActionDigest(7, JobAction.Cancel, to, deadline);
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes32 there = market.jobActionDigest(7, JobAction.Cancel, to, deadline);
        assertEq(
            there, digestFor(address(market), chainId + 1, 7, JobAction.Cancel, to, deadline), "other chain"
        );
        assertTrue(here != there, "bound to the chain id");
    }
}
