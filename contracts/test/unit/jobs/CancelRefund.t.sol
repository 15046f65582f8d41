// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {JobsBase} from "./JobsBase.sol";
import {IJobRegistry, JobAction, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// cancel
/// ├── given an unknown job: reverts
/// ├── when the caller is not the controller (a stranger, the funder of an Untracked job): reverts
/// ├── given the job is neither Requested nor Routed (Started, Unroutable, Cancelled): reverts
/// └── given Requested or Routed: Cancelled, GPUs freed, whole deposit to the caller, JobCancelled
contract CancelTest is JobsBase {
    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        vm.prank(buyer);
        market.cancel(99);
    }

    function test_RevertWhen_CallerNotController() external {
        uint256 jobId = requestTracked();
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_NotController.selector, jobId, stranger)
        );
        vm.prank(stranger);
        market.cancel(jobId);
    }

    function test_RevertWhen_CallerFundedUntrackedJob() external {
        uint256 jobId = requestUntracked();
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_NotController.selector, jobId, buyer));
        vm.prank(buyer);
        market.cancel(jobId);
    }

    function test_RevertGiven_JobStarted() external {
        _expectWrongStatus(startedJob(), JobStatus.Started);
    }

    function test_RevertGiven_JobUnroutable() external {
        _expectWrongStatus(unroutableJob(), JobStatus.Unroutable);
    }

    function test_RevertGiven_JobCancelled() external {
        uint256 jobId = requestTracked();
        vm.prank(buyer);
        market.cancel(jobId);
        _expectWrongStatus(jobId, JobStatus.Cancelled);
    }

    function test_GivenRequested() external {
        uint256 jobId = requestTracked();
        uint256 buyerBefore = usdc.balanceOf(buyer);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCancelled(jobId, JobStatus.Requested, DEPOSIT);
        vm.prank(buyer);
        market.cancel(jobId);

        assertStatus(jobId, JobStatus.Cancelled);
        assertEq(usdc.balanceOf(buyer), buyerBefore + DEPOSIT, "buyer refunded");
        assertEq(usdc.balanceOf(address(market)), 0, "escrow emptied");
        assertEq(market.refundDue(jobId), 0, "nothing left");
    }

    function test_GivenRouted() external {
        uint256 jobId = routedJob();
        uint256 buyerBefore = usdc.balanceOf(buyer);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCancelled(jobId, JobStatus.Routed, DEPOSIT);
        vm.prank(buyer);
        market.cancel(jobId);

        assertStatus(jobId, JobStatus.Cancelled);
        assertEq(gpusInUse(fixedOffer), 0, "GPUs freed");
        assertEq(usdc.balanceOf(buyer), buyerBefore + DEPOSIT, "buyer refunded");
        assertEq(usdc.balanceOf(address(market)), 0, "escrow emptied");
    }

    function test_GivenUntracked_PaysJobKey() external {
        uint256 jobId = requestUntracked();
        uint256 buyerBefore = usdc.balanceOf(buyer);
        vm.prank(jobKey);
        market.cancel(jobId);
        assertEq(usdc.balanceOf(jobKey), DEPOSIT, "job key refunded");
        assertEq(usdc.balanceOf(buyer), buyerBefore, "funder untouched");
    }

    function _expectWrongStatus(uint256 jobId, JobStatus status) private {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, status));
        vm.prank(buyer);
        market.cancel(jobId);
    }
}

/// @notice Shared signature cases of cancelWithSig and claimRefundWithSig. `jobId` is a job the
/// action applies to, controlled by `buyer`; the relayer is `stranger`.
abstract contract WithSigBase is JobsBase {
    uint256 internal jobId;
    uint256 internal deadline;
    address internal recipient = makeAddr("recipient");
    address internal thief = makeAddr("thief");

    function action() internal pure virtual returns (JobAction);

    function otherAction() internal pure virtual returns (JobAction);

    function submit(uint256 id, address to, uint256 expiry, bytes memory sig) internal virtual;

    function statusAfter() internal pure virtual returns (JobStatus);

    function amountPaid() internal pure virtual returns (uint256);

    function test_RevertWhen_SignatureExpired() external {
        vm.warp(deadline + 1);
        bytes memory sig = signAction(buyerKey, jobId, action(), recipient, deadline);
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_SignatureExpired.selector, deadline));
        submit(jobId, recipient, deadline, sig);
    }

    function test_RevertWhen_RecipientZero() external {
        bytes memory sig = signAction(buyerKey, jobId, action(), address(0), deadline);
        vm.expectRevert(IJobRegistry.JobRegistry_ZeroAddress.selector);
        submit(jobId, address(0), deadline, sig);
    }

    function test_RevertGiven_UnknownJob() external {
        bytes memory sig = signAction(buyerKey, 99, action(), recipient, deadline);
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        submit(99, recipient, deadline, sig);
    }

    function test_RevertWhen_SignerNotController() external {
        (address forger, uint256 forgerKey) = makeAddrAndKey("forger");
        bytes memory sig = signAction(forgerKey, jobId, action(), recipient, deadline);
        _expectInvalidSignature(forger);
        submit(jobId, recipient, deadline, sig);
    }

    function test_RevertWhen_SignatureMalformed() external {
        _expectInvalidSignature(address(0));
        submit(jobId, recipient, deadline, hex"1234");
    }

    function test_RevertWhen_FrontRunnerChangesRecipient() external {
        bytes memory sig = signAction(buyerKey, jobId, action(), recipient, deadline);
        _expectInvalidSignature(recoveredSigner(jobId, action(), thief, deadline, sig));
        submit(jobId, thief, deadline, sig);
        // The honest relay still goes through afterwards.
        submit(jobId, recipient, deadline, sig);
        assertStatus(jobId, statusAfter());
    }

    function test_RevertWhen_SignatureForOtherAction() external {
        bytes memory sig = signAction(buyerKey, jobId, otherAction(), recipient, deadline);
        _expectInvalidSignature(recoveredSigner(jobId, action(), recipient, deadline, sig));
        submit(jobId, recipient, deadline, sig);
    }

    function test_RevertWhen_SignedForAnotherChain() external {
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes memory sig = signAction(buyerKey, jobId, action(), recipient, deadline);
        vm.chainId(chainId);
        _expectInvalidSignature(recoveredSigner(jobId, action(), recipient, deadline, sig));
        submit(jobId, recipient, deadline, sig);
    }

    function test_RevertWhen_SignedForAnotherContract() external {
        bytes32 digest = digestFor(address(0xBEEF), block.chainid, jobId, action(), recipient, deadline);
        bytes memory sig = signDigest(buyerKey, digest);
        _expectInvalidSignature(recoveredSigner(jobId, action(), recipient, deadline, sig));
        submit(jobId, recipient, deadline, sig);
    }

    function test_WhenSignatureValid() external {
        vm.warp(deadline);
        uint256 buyerBefore = usdc.balanceOf(buyer);
        uint256 amount = amountPaid();
        bytes memory sig = signAction(buyerKey, jobId, action(), recipient, deadline);
        _expectActionEvent(amount);
        submit(jobId, recipient, deadline, sig);

        assertStatus(jobId, statusAfter());
        assertEq(usdc.balanceOf(recipient), amount, "recipient paid");
        assertEq(usdc.balanceOf(buyer), buyerBefore, "controller not paid");
        assertEq(usdc.balanceOf(stranger), 0, "relayer not paid");
    }

    function _expectInvalidSignature(address signer) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_InvalidSignature.selector, jobId, signer)
        );
    }

    function _expectActionEvent(uint256 amount) internal virtual;
}

/// cancelWithSig
/// ├── when the signature expired, the recipient is zero, or the job is unknown: reverts
/// ├── when the signature is malformed, by someone else, for another recipient, another action,
/// │   another chain or another contract: reverts with the recovered signer
/// ├── given the job cannot be cancelled (Started), or the signature was already used: reverts
/// └── otherwise (up to the deadline included): cancels, whole deposit to the recipient
contract CancelWithSigTest is WithSigBase {
    function setUp() public override {
        super.setUp();
        jobId = routedJob();
        deadline = block.timestamp + 1 hours;
    }

    function action() internal pure override returns (JobAction) {
        return JobAction.Cancel;
    }

    function otherAction() internal pure override returns (JobAction) {
        return JobAction.ClaimRefund;
    }

    function submit(uint256 id, address to, uint256 expiry, bytes memory sig) internal override {
        vm.prank(stranger);
        market.cancelWithSig(id, to, expiry, sig);
    }

    function _expectActionEvent(uint256 amount) internal override {
        JobStatus from = market.getJob(jobId).status;
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCancelled(jobId, from, amount);
    }

    function statusAfter() internal pure override returns (JobStatus) {
        return JobStatus.Cancelled;
    }

    function amountPaid() internal pure override returns (uint256) {
        return DEPOSIT;
    }

    function test_RevertGiven_JobStarted() external {
        startAs(jobId, seller);
        bytes memory sig = signAction(buyerKey, jobId, JobAction.Cancel, recipient, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Started)
        );
        submit(jobId, recipient, deadline, sig);
    }

    function test_RevertGiven_SignatureAlreadyUsed() external {
        bytes memory sig = signAction(buyerKey, jobId, JobAction.Cancel, recipient, deadline);
        submit(jobId, recipient, deadline, sig);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Cancelled)
        );
        submit(jobId, recipient, deadline, sig);
        assertEq(usdc.balanceOf(recipient), DEPOSIT, "paid once");
    }

    function test_WhenSignatureValid_GivenUntracked() external {
        uint256 untracked = requestUntracked();
        bytes memory sig = signAction(jobKeyPk, untracked, JobAction.Cancel, recipient, deadline);
        submit(untracked, recipient, deadline, sig);
        assertStatus(untracked, JobStatus.Cancelled);
        assertEq(usdc.balanceOf(recipient), DEPOSIT, "recipient paid");
        assertEq(gpusInUse(fixedOffer), GPUS, "other job keeps its GPUs");
    }
}

/// claimRefundWithSig
/// ├── (the signature branches of cancelWithSig)
/// ├── given nothing is due yet, or the signature was already used: reverts with RefundNotDue
/// └── otherwise: refunds what is due to the recipient
contract ClaimRefundWithSigTest is WithSigBase {
    function setUp() public override {
        super.setUp();
        jobId = completedJob(3 hours); // 12 USDC due back
        deadline = block.timestamp + 1 hours;
    }

    function action() internal pure override returns (JobAction) {
        return JobAction.ClaimRefund;
    }

    function otherAction() internal pure override returns (JobAction) {
        return JobAction.Cancel;
    }

    function submit(uint256 id, address to, uint256 expiry, bytes memory sig) internal override {
        vm.prank(stranger);
        market.claimRefundWithSig(id, to, expiry, sig);
    }

    function _expectActionEvent(uint256 amount) internal override {
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRefunded(jobId, JobStatus.Completed, amount);
    }

    function statusAfter() internal pure override returns (JobStatus) {
        return JobStatus.Refunded;
    }

    function amountPaid() internal pure override returns (uint256) {
        return 12e6;
    }

    function test_RevertGiven_RefundNotDue() external {
        uint256 routed = routedJob();
        bytes memory sig = signAction(buyerKey, routed, JobAction.ClaimRefund, recipient, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_RefundNotDue.selector,
                routed,
                JobStatus.Routed,
                block.timestamp + START_WINDOW
            )
        );
        submit(routed, recipient, deadline, sig);
    }

    function test_RevertGiven_SignatureAlreadyUsed() external {
        bytes memory sig = signAction(buyerKey, jobId, JobAction.ClaimRefund, recipient, deadline);
        submit(jobId, recipient, deadline, sig);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_RefundNotDue.selector, jobId, JobStatus.Refunded, type(uint256).max
            )
        );
        submit(jobId, recipient, deadline, sig);
        assertEq(usdc.balanceOf(recipient), 12e6, "paid once");
    }

    function test_WhenSignatureValid_GivenUntrackedUnroutable() external {
        uint256 untracked = requestUntracked();
        vm.prank(keeper);
        market.markUnroutable(untracked, ROOT);
        bytes memory sig = signAction(jobKeyPk, untracked, JobAction.ClaimRefund, recipient, deadline);
        submit(untracked, recipient, deadline, sig);
        assertStatus(untracked, JobStatus.Refunded);
        assertEq(usdc.balanceOf(recipient), DEPOSIT, "recipient paid");
    }
}

/// claimRefund
/// ├── given an unknown job / when the caller is not the controller: reverts
/// ├── given Requested, Cancelled or Refunded: reverts RefundNotDue with an unreachable dueAt
/// ├── given Routed up to the start deadline / Started up to the completion deadline: reverts
/// │   RefundNotDue with that deadline
/// └── given Routed or Started past its deadline, Unroutable (whole deposit) or Completed (the rest,
///     possibly zero): Refunded, GPUs freed, paid to the caller, JobRefunded with the former status
contract ClaimRefundTest is JobsBase {
    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        vm.prank(buyer);
        market.claimRefund(99);
    }

    function test_RevertWhen_CallerNotController() external {
        uint256 jobId = unroutableJob();
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_NotController.selector, jobId, stranger)
        );
        vm.prank(stranger);
        market.claimRefund(jobId);
    }

    function test_RevertGiven_Requested() external {
        _expectNotDue(requestTracked(), JobStatus.Requested, type(uint256).max);
    }

    function test_RevertGiven_RoutedUpToStartDeadline() external {
        uint256 jobId = routedJob();
        vm.warp(T0 + START_WINDOW);
        _expectNotDue(jobId, JobStatus.Routed, T0 + START_WINDOW);
    }

    function test_RevertGiven_StartedUpToCompletionDeadline() external {
        uint256 jobId = startedJob();
        uint256 dueAt = T0 + BOOKED_SECONDS + COMPLETION_GRACE;
        vm.warp(dueAt);
        _expectNotDue(jobId, JobStatus.Started, dueAt);
    }

    function test_RevertGiven_Cancelled() external {
        uint256 jobId = requestTracked();
        vm.prank(buyer);
        market.cancel(jobId);
        _expectNotDue(jobId, JobStatus.Cancelled, type(uint256).max);
    }

    function test_RevertGiven_AlreadyRefunded() external {
        uint256 jobId = unroutableJob();
        vm.prank(buyer);
        market.claimRefund(jobId);
        _expectNotDue(jobId, JobStatus.Refunded, type(uint256).max);
    }

    function test_GivenRoutedPastStartDeadline() external {
        uint256 jobId = routedJob();
        vm.warp(T0 + START_WINDOW + 1);
        _expectRefund(jobId, JobStatus.Routed, DEPOSIT);
        assertEq(gpusInUse(fixedOffer), 0, "GPUs freed");
    }

    function test_GivenStartedPastCompletionDeadline() external {
        uint256 jobId = startedJob();
        vm.warp(T0 + BOOKED_SECONDS + COMPLETION_GRACE + 1);
        _expectRefund(jobId, JobStatus.Started, DEPOSIT);
        assertEq(gpusInUse(fixedOffer), 0, "GPUs freed");
        assertEq(market.earningsOf(sellerPayout), 0, "unreported job is unpaid");
    }

    function test_GivenCompleted() external {
        uint256 jobId = completedJob(3 hours);
        _expectRefund(jobId, JobStatus.Completed, 12e6);
        assertEq(market.earningsOf(sellerPayout), 12e6, "provider earnings untouched");
        assertEq(usdc.balanceOf(address(market)), 12e6, "escrow holds the earnings");
    }

    function test_GivenCompletedWithNothingLeft() external {
        uint256 jobId = requestTracked();
        routeTo(jobId, gatewayOffer, MAX_PRICE);
        startAs(jobId, gatewayOperator);
        vm.warp(T0 + BOOKED_SECONDS);
        vm.prank(gatewayOperator);
        market.completeJob(jobId, uint32(BOOKED_SECONDS));
        _expectRefund(jobId, JobStatus.Completed, 0);
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "all of it earned");
    }

    function test_GivenUnroutable() external {
        _expectRefund(unroutableJob(), JobStatus.Unroutable, DEPOSIT);
    }

    function test_GivenUntracked_PaysJobKey() external {
        uint256 jobId = requestUntracked();
        vm.prank(keeper);
        market.markUnroutable(jobId, ROOT);
        vm.prank(jobKey);
        market.claimRefund(jobId);
        assertEq(usdc.balanceOf(jobKey), DEPOSIT, "job key refunded");
    }

    function _expectNotDue(uint256 jobId, JobStatus status, uint256 dueAt) private {
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_RefundNotDue.selector, jobId, status, dueAt)
        );
        vm.prank(buyer);
        market.claimRefund(jobId);
    }

    function _expectRefund(uint256 jobId, JobStatus from, uint256 amount) private {
        uint256 buyerBefore = usdc.balanceOf(buyer);
        uint256 marketBefore = usdc.balanceOf(address(market));
        assertEq(market.refundDue(jobId), amount, "refundDue agrees");
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRefunded(jobId, from, amount);
        vm.prank(buyer);
        market.claimRefund(jobId);
        assertStatus(jobId, JobStatus.Refunded);
        assertEq(usdc.balanceOf(buyer), buyerBefore + amount, "buyer paid");
        assertEq(usdc.balanceOf(address(market)), marketBefore - amount, "escrow paid out");
        assertEq(market.refundDue(jobId), 0, "nothing left");
    }
}

/// refundDue
/// ├── given an unknown job: reverts
/// └── otherwise: what claimRefund would pay now (zero before a deadline and once settled)
contract RefundDueTest is JobsBase {
    function test_RevertGiven_UnknownJob() external {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UnknownJob.selector, 99));
        market.refundDue(99);
    }

    function test_GivenRequestedOrCancelled() external {
        uint256 jobId = requestTracked();
        assertEq(market.refundDue(jobId), 0, "requested");
        vm.prank(buyer);
        market.cancel(jobId);
        assertEq(market.refundDue(jobId), 0, "cancelled");
    }

    function test_GivenRouted() external {
        uint256 jobId = routedJob();
        vm.warp(T0 + START_WINDOW);
        assertEq(market.refundDue(jobId), 0, "up to the start deadline");
        vm.warp(T0 + START_WINDOW + 1);
        assertEq(market.refundDue(jobId), DEPOSIT, "past the start deadline");
    }

    function test_GivenStarted() external {
        uint256 jobId = startedJob();
        vm.warp(T0 + BOOKED_SECONDS + COMPLETION_GRACE);
        assertEq(market.refundDue(jobId), 0, "up to the completion deadline");
        vm.warp(T0 + BOOKED_SECONDS + COMPLETION_GRACE + 1);
        assertEq(market.refundDue(jobId), DEPOSIT, "past the completion deadline");
    }

    function test_GivenCompletedThenRefunded() external {
        uint256 jobId = completedJob(1 hours);
        assertEq(market.refundDue(jobId), DEPOSIT - 4e6, "completed");
        vm.prank(buyer);
        market.claimRefund(jobId);
        assertEq(market.refundDue(jobId), 0, "refunded");
    }

    function test_GivenUnroutable() external {
        assertEq(market.refundDue(unroutableJob()), DEPOSIT, "unroutable");
    }
}
