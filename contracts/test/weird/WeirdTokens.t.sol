// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {NectoFixture} from "../utils/NectoFixture.sol";
import {MarketDeployer} from "../utils/MarketDeployer.sol";
import {INectoMarket} from "../../src/interfaces/INectoMarket.sol";
import {TeamAccess} from "../../src/TeamAccess.sol";
import {LocalUSDC} from "../../src/tokens/LocalUSDC.sol";
import {ITeamAccess} from "../../src/interfaces/ITeamAccess.sol";
import {Area, PricingModel} from "../../src/interfaces/IProviderRegistry.sol";
import {IJobRegistry, JobAction, JobStatus} from "../../src/interfaces/IJobRegistry.sol";
import {FeeOnTransferToken, MockToken, Reenterer, ReentrantToken} from "./WeirdTokens.sol";

/// @notice The fixture, with the option of moving it onto a market that settles in another token:
/// the seller and its $2.00 Fixed offer (8x H100) are listed again there.
abstract contract WeirdTokenFixture is NectoFixture {
    function _useMarketWith(IERC20 token) internal {
        team = new TeamAccess();
        market = deployMarket(admin, token, ITeamAccess(address(team)), START_WINDOW, COMPLETION_GRACE);
        vm.startPrank(admin);
        market.grantRole(market.KEEPER_ROLE(), keeper);
        market.grantRole(market.GUARDIAN_ROLE(), guardian);
        vm.stopPrank();
        vm.startPrank(seller);
        sellerId = market.registerProvider(sellerPayout, "ipfs://seller-profile");
        fixedOffer = market.addOffer(sellerId, offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000));
        vm.stopPrank();
    }

    function _status(uint256 jobId) internal view returns (JobStatus) {
        return market.getJob(jobId).status;
    }
}

/* REENTRANT TOKEN */

/// @notice A token that hands control to the payee mid-payment cannot make the market pay twice:
/// every paying function is nonReentrant, and each updates the job or the earnings before paying.
contract ReentrantTokenTest is WeirdTokenFixture {
    ReentrantToken internal token;
    Reenterer internal attacker;

    function setUp() public override {
        super.setUp();
        token = new ReentrantToken();
        _useMarketWith(IERC20(address(token)));
        attacker = new Reenterer(market);
        token.setHooked(address(attacker), true);
        token.mint(address(attacker), 1000e6);
        token.mint(buyer, 1000e6);
        vm.prank(buyer);
        token.approve(address(market), type(uint256).max);
    }

    function test_ReentrantCancel_PaysOnce() external {
        uint256 jobId = attacker.requestJob(trackedRequest(2, 4, 3_000_000)); // 24 USDC
        uint256 otherJob = attacker.requestJob(trackedRequest(1, 1, 3_000_000)); // 3 USDC
        attacker.arm(abi.encodeCall(IJobRegistry.cancel, (jobId)), jobId, false);
        uint256 balanceBefore = token.balanceOf(address(attacker));

        attacker.cancel(jobId);

        _assertReentryBlocked();
        assertEq(
            uint8(attacker.statusDuringCallback()), uint8(JobStatus.Cancelled), "cancelled before paying"
        );
        assertEq(token.balanceOf(address(attacker)) - balanceBefore, 24e6, "paid once");
        assertEq(token.balanceOf(address(market)), 3e6, "the other deposit stays");
        assertEq(uint8(_status(jobId)), uint8(JobStatus.Cancelled));
        assertEq(uint8(_status(otherJob)), uint8(JobStatus.Requested));
    }

    function test_ReentrantCancel_CannotReachAnotherPayment() external {
        uint256 jobId = attacker.requestJob(trackedRequest(2, 4, 3_000_000)); // 24 USDC
        uint256 unroutable = attacker.requestJob(trackedRequest(1, 1, 3_000_000)); // 3 USDC, due
        vm.prank(keeper);
        market.markUnroutable(unroutable, ROOT);
        attacker.arm(abi.encodeCall(IJobRegistry.claimRefund, (unroutable)), unroutable, false);
        uint256 balanceBefore = token.balanceOf(address(attacker));

        attacker.cancel(jobId);

        _assertReentryBlocked();
        assertEq(token.balanceOf(address(attacker)) - balanceBefore, 24e6, "only the cancel paid");
        assertEq(uint8(_status(unroutable)), uint8(JobStatus.Unroutable), "refund untouched");

        // Outside the callback, the refund is paid, once.
        attacker.claimRefund(unroutable);
        assertEq(token.balanceOf(address(attacker)) - balanceBefore, 27e6);
        assertEq(token.balanceOf(address(market)), 0);
    }

    function test_ReentrantClaimRefund_PaysOnce() external {
        uint256 jobId = attacker.requestJob(trackedRequest(2, 4, 3_000_000));
        vm.prank(keeper);
        market.markUnroutable(jobId, ROOT);
        attacker.arm(abi.encodeCall(IJobRegistry.claimRefund, (jobId)), jobId, false);
        uint256 balanceBefore = token.balanceOf(address(attacker));

        attacker.claimRefund(jobId);

        _assertReentryBlocked();
        assertEq(uint8(attacker.statusDuringCallback()), uint8(JobStatus.Refunded), "refunded before paying");
        assertEq(token.balanceOf(address(attacker)) - balanceBefore, 24e6, "paid once");
        assertEq(token.balanceOf(address(market)), 0);
    }

    function test_ReentrantWithdraw_PaysOnce() external {
        vm.prank(seller);
        market.updateProvider(sellerId, address(attacker), "ipfs://seller-profile");
        vm.prank(buyer);
        uint256 jobId = market.requestJob(trackedRequest(2, 4, 3_000_000)); // 24 USDC
        routeTo(jobId, fixedOffer, 2_000_000);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 3 hours);
        vm.prank(seller);
        market.completeJob(jobId, 3 hours); // earns 12 USDC
        assertEq(market.earningsOf(address(attacker)), 12e6);
        attacker.arm(abi.encodeCall(IJobRegistry.withdraw, (address(attacker))), 0, false);
        uint256 balanceBefore = token.balanceOf(address(attacker));

        attacker.withdraw(address(attacker));

        _assertReentryBlocked();
        assertEq(attacker.earningsDuringCallback(), 0, "earnings cleared before paying");
        assertEq(token.balanceOf(address(attacker)) - balanceBefore, 12e6, "paid once");
        assertEq(token.balanceOf(address(market)), 12e6, "the buyer's refund stays");
        assertEq(market.refundDue(jobId), 12e6);
    }

    function test_ReentrantCancelWithSig_CannotReplayTheSignature() external {
        vm.prank(buyer);
        uint256 jobId = market.requestJob(untrackedRequest(2, 4, 3_000_000));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory signature = signAction(jobKeyPk, jobId, JobAction.Cancel, address(attacker), deadline);
        bytes memory replay =
            abi.encodeCall(IJobRegistry.cancelWithSig, (jobId, address(attacker), deadline, signature));
        attacker.arm(replay, jobId, false);
        uint256 balanceBefore = token.balanceOf(address(attacker));

        vm.prank(stranger);
        market.cancelWithSig(jobId, address(attacker), deadline, signature);

        _assertReentryBlocked();
        assertEq(token.balanceOf(address(attacker)) - balanceBefore, 24e6, "paid once");
        // Replayed later, the signature meets a cancelled job.
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_WrongStatus.selector, jobId, JobStatus.Cancelled)
        );
        vm.prank(stranger);
        market.cancelWithSig(jobId, address(attacker), deadline, signature);
    }

    function test_RevertWhen_FailedReentryBubbles() external {
        uint256 jobId = attacker.requestJob(trackedRequest(2, 4, 3_000_000));
        attacker.arm(abi.encodeCall(IJobRegistry.cancel, (jobId)), jobId, true);
        uint256 balanceBefore = token.balanceOf(address(attacker));

        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        attacker.cancel(jobId);

        // Nothing moved and the job is intact; once disarmed, the cancel pays once.
        assertEq(token.balanceOf(address(attacker)), balanceBefore);
        assertEq(token.balanceOf(address(market)), 24e6);
        assertEq(uint8(_status(jobId)), uint8(JobStatus.Requested));
        attacker.arm("", 0, false);
        attacker.cancel(jobId);
        assertEq(token.balanceOf(address(attacker)) - balanceBefore, 24e6);
    }

    function _assertReentryBlocked() internal view {
        assertTrue(attacker.reentered(), "the token called back");
        assertFalse(attacker.reentrySucceeded(), "the re-entrant call succeeded");
        assertEq(
            attacker.reentryRevertData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector),
            "blocked by the reentrancy guard"
        );
    }
}

/* FEE-ON-TRANSFER TOKEN */

/// @notice A token that delivers less than it is asked to move is rejected at request, with the
/// amounts, and leaves nothing behind.
contract FeeOnTransferTokenTest is WeirdTokenFixture {
    FeeOnTransferToken internal token;

    function setUp() public override {
        super.setUp();
        token = new FeeOnTransferToken(100); // 1%
        _useMarketWith(IERC20(address(token)));
        token.mint(buyer, 1_000_000e6);
        vm.prank(buyer);
        token.approve(address(market), type(uint256).max);
    }

    function test_RevertWhen_TokenTakesAFee() external {
        assertEq(token.decimals(), 6, "passes the decimals check");
        uint256 balanceBefore = token.balanceOf(buyer);

        // 2 GPUs x 4 h x $3.00 = 24 USDC sent, 1% burned on the way: 23.76 received.
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_UnsupportedToken.selector, 24e6, 23_760_000)
        );
        vm.prank(buyer);
        market.requestJob(trackedRequest(2, 4, 3_000_000));

        assertEq(market.jobCount(), 0);
        assertEq(token.balanceOf(buyer), balanceBefore);
        assertEq(token.balanceOf(address(market)), 0);
    }

    function test_RevertWhen_TokenTakesAFee_Untracked() external {
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_UnsupportedToken.selector, 24e6, 23_760_000)
        );
        vm.prank(buyer);
        market.requestJob(untrackedRequest(2, 4, 3_000_000));
    }

    function testFuzz_RevertWhen_TokenTakesAFee(uint16 gpus, uint16 hoursRequested, uint64 maxPrice)
        external
    {
        gpus = uint16(_bound(gpus, 1, 64));
        hoursRequested = uint16(_bound(hoursRequested, 1, 720));
        maxPrice = uint64(_bound(maxPrice, 1, 20_000_000));
        uint256 deposit = uint256(maxPrice) * gpus * hoursRequested;
        uint256 fee = deposit / 100;
        vm.assume(fee != 0);

        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_UnsupportedToken.selector, deposit, deposit - fee)
        );
        vm.prank(buyer);
        market.requestJob(trackedRequest(gpus, hoursRequested, maxPrice));
    }
}

/* DECIMALS */

/// @notice The market refuses, at deployment, a settlement token that does not have 6 decimals.
contract TokenDecimalsTest is MarketDeployer {
    address internal admin = makeAddr("admin");
    ITeamAccess internal teamAccess = ITeamAccess(makeAddr("teamAccess"));

    function test_RevertWhen_TokenHasEighteenDecimals() external {
        MockToken dai = new MockToken("DAI-like", 18);
        vm.expectRevert(abi.encodeWithSelector(INectoMarket.NectoMarket_NotSixDecimals.selector, uint8(18)));
        deployMarket(admin, IERC20(address(dai)), teamAccess, 2 hours, 1 days);
    }

    function testFuzz_RevertWhen_DecimalsNotSix(uint8 decimals) external {
        vm.assume(decimals != 6);
        MockToken token = new MockToken("odd", decimals);
        vm.expectRevert(abi.encodeWithSelector(INectoMarket.NectoMarket_NotSixDecimals.selector, decimals));
        deployMarket(admin, IERC20(address(token)), teamAccess, 2 hours, 1 days);
    }

    function test_DeploysWithSixDecimals() external {
        MockToken token = new MockToken("USDC-like", 6);
        INectoMarket market = deployMarket(admin, IERC20(address(token)), teamAccess, 2 hours, 1 days);
        assertEq(address(market.usdc()), address(token));
    }
}

/* BLACKLIST */

/// @notice A blacklisted payee delays only its own payout: other providers withdraw, other buyers
/// cancel and reclaim, and the blacklisted payee can withdraw to another address.
contract BlacklistedPayeeTest is NectoFixture {
    address internal seller2 = makeAddr("seller2");
    address internal seller2Payout = makeAddr("seller2Payout");
    address internal buyer2;
    uint256 internal buyer2Key;
    uint32 internal seller2Offer;

    uint256 internal completedOnSeller; // buyer's; sellerPayout earned 12, buyer is due 12
    uint256 internal completedOnSeller2; // buyer2's; seller2Payout earned 12, buyer2 is due 12
    uint256 internal requested; // buyer2's, 24 to cancel
    uint256 internal unroutable; // Untracked (jobKey), 24 to reclaim

    function setUp() public override {
        super.setUp();
        (buyer2, buyer2Key) = makeAddrAndKey("buyer2");
        vm.prank(admin);
        usdc.mint(buyer2, 1000e6);
        _approveAll(buyer2);
        vm.startPrank(seller2);
        uint32 seller2Id = market.registerProvider(seller2Payout, "ipfs://seller2");
        seller2Offer =
            market.addOffer(seller2Id, offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000));
        vm.stopPrank();

        completedOnSeller = requestTracked();
        vm.prank(buyer2);
        completedOnSeller2 = market.requestJob(trackedRequest(2, 4, 3_000_000));
        vm.prank(buyer2);
        requested = market.requestJob(trackedRequest(2, 4, 3_000_000));
        unroutable = requestUntracked();
        routeTo(completedOnSeller, fixedOffer, 2_000_000);
        routeTo(completedOnSeller2, seller2Offer, 2_000_000);
        vm.prank(keeper);
        market.markUnroutable(unroutable, ROOT2);
        startAs(completedOnSeller, seller);
        startAs(completedOnSeller2, seller2);
        vm.warp(block.timestamp + 3 hours);
        vm.prank(seller);
        market.completeJob(completedOnSeller, 3 hours);
        vm.prank(seller2);
        market.completeJob(completedOnSeller2, 3 hours);

        vm.prank(admin);
        usdc.setBlacklisted(sellerPayout, true);
    }

    function test_RevertWhen_BlacklistedPayoutWithdraws() external {
        vm.expectRevert(abi.encodeWithSelector(LocalUSDC.LocalUSDC_Blacklisted.selector, sellerPayout));
        vm.prank(sellerPayout);
        market.withdraw(sellerPayout);
        assertEq(market.earningsOf(sellerPayout), 12e6, "earnings kept");
    }

    function test_OthersPaid_WhilePayoutBlacklisted() external {
        uint256 escrowBefore = usdc.balanceOf(address(market));

        vm.prank(seller2Payout);
        market.withdraw(seller2Payout);
        assertEq(usdc.balanceOf(seller2Payout), 12e6, "other provider withdrew");

        uint256 buyer2Before = usdc.balanceOf(buyer2);
        vm.prank(buyer2);
        market.cancel(requested);
        vm.prank(buyer2);
        market.claimRefund(completedOnSeller2);
        assertEq(usdc.balanceOf(buyer2) - buyer2Before, 24e6 + 12e6, "other buyer cancelled and reclaimed");

        uint256 buyerBefore = usdc.balanceOf(buyer);
        vm.prank(buyer);
        market.claimRefund(completedOnSeller);
        assertEq(usdc.balanceOf(buyer) - buyerBefore, 12e6, "the blacklisted payee's own buyer reclaimed");

        vm.prank(jobKey);
        market.claimRefund(unroutable);
        assertEq(usdc.balanceOf(jobKey), 24e6, "Untracked refund paid");

        assertEq(escrowBefore - usdc.balanceOf(address(market)), 12e6 + 24e6 + 12e6 + 12e6 + 24e6);
        assertEq(usdc.balanceOf(address(market)), 12e6, "only the blacklisted payee's earnings remain");
        assertEq(market.earningsOf(sellerPayout), 12e6);
    }

    function test_BlacklistedPayout_WithdrawsToAnotherAddress() external {
        address fresh = makeAddr("fresh");
        vm.prank(sellerPayout);
        market.withdraw(fresh);
        assertEq(usdc.balanceOf(fresh), 12e6);
        assertEq(market.earningsOf(sellerPayout), 0);
    }

    function test_BlacklistedPayout_KeepsAccruing() external {
        uint256 jobId = requestTracked();
        routeTo(jobId, fixedOffer, 2_000_000);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(seller);
        market.completeJob(jobId, 1 hours); // 2 GPUs x 1 h x $2 = 4 USDC, no transfer
        assertEq(market.earningsOf(sellerPayout), 16e6);
    }

    function test_BlacklistedBuyer_CancelsToAnotherRecipient() external {
        vm.prank(admin);
        usdc.setBlacklisted(buyer2, true);
        vm.expectRevert(abi.encodeWithSelector(LocalUSDC.LocalUSDC_Blacklisted.selector, buyer2));
        vm.prank(buyer2);
        market.cancel(requested);

        address recipient = makeAddr("buyer2-cold-wallet");
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory signature = signAction(buyer2Key, requested, JobAction.Cancel, recipient, deadline);
        vm.prank(stranger);
        market.cancelWithSig(requested, recipient, deadline, signature);
        assertEq(usdc.balanceOf(recipient), 24e6);
        assertEq(uint8(market.getJob(requested).status), uint8(JobStatus.Cancelled));
    }
}

/* PAUSED USDC */

/// @notice While USDC is paused, every call that moves USDC reverts with LocalUSDC_Paused and
/// changes nothing; routing and the provider lifecycle, which move none, go on. After the unpause
/// every payment goes through.
contract PausedUsdcTest is NectoFixture {
    uint256 internal toCancel; // Requested, 24
    uint256 internal toReclaim; // Completed: sellerPayout earned 12, buyer due 12
    uint256 internal toRoute; // Requested
    uint256 internal toStart; // Routed
    uint256 internal toComplete; // Started

    function setUp() public override {
        super.setUp();
        toCancel = requestTracked();
        toReclaim = requestTracked();
        toRoute = requestTracked();
        toStart = requestTracked();
        toComplete = requestTracked();
        routeTo(toReclaim, fixedOffer, 2_000_000);
        routeTo(toComplete, fixedOffer, 2_000_000);
        startAs(toReclaim, seller);
        startAs(toComplete, seller);
        vm.warp(block.timestamp + 3 hours);
        vm.prank(seller);
        market.completeJob(toReclaim, 3 hours);
        routeTo(toStart, fixedOffer, 2_000_000);

        vm.prank(admin);
        usdc.setPaused(true);
    }

    function test_RevertWhen_UsdcPaused_PaymentsChangeNothing() external {
        uint256 escrow = usdc.balanceOf(address(market));
        uint256 buyerBalance = usdc.balanceOf(buyer);
        uint64 jobCount = market.jobCount();

        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(buyer);
        market.requestJob(trackedRequest(2, 4, 3_000_000));

        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(buyer);
        market.cancel(toCancel);

        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(buyer);
        market.claimRefund(toReclaim);

        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(sellerPayout);
        market.withdraw(sellerPayout);

        uint256 deadline = block.timestamp + 1 hours;
        bytes memory cancelSig = signAction(buyerKey, toCancel, JobAction.Cancel, stranger, deadline);
        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        market.cancelWithSig(toCancel, stranger, deadline, cancelSig);

        bytes memory refundSig = signAction(buyerKey, toReclaim, JobAction.ClaimRefund, stranger, deadline);
        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        market.claimRefundWithSig(toReclaim, stranger, deadline, refundSig);

        assertEq(market.jobCount(), jobCount, "no job created");
        assertEq(uint8(market.getJob(toCancel).status), uint8(JobStatus.Requested));
        assertEq(uint8(market.getJob(toReclaim).status), uint8(JobStatus.Completed));
        assertEq(market.refundDue(toReclaim), 12e6);
        assertEq(market.earningsOf(sellerPayout), 12e6);
        assertEq(usdc.balanceOf(address(market)), escrow);
        assertEq(usdc.balanceOf(buyer), buyerBalance);
    }

    function test_UsdcPaused_RouteStartCompleteStillWork() external {
        uint256 escrow = usdc.balanceOf(address(market));

        routeTo(toRoute, fixedOffer, 2_000_000);
        startAs(toStart, seller);
        vm.prank(seller);
        market.completeJob(toComplete, 3 hours);

        assertEq(uint8(market.getJob(toRoute).status), uint8(JobStatus.Routed));
        assertEq(uint8(market.getJob(toStart).status), uint8(JobStatus.Started));
        assertEq(uint8(market.getJob(toComplete).status), uint8(JobStatus.Completed));
        assertEq(market.earningsOf(sellerPayout), 24e6, "earnings accrue without a transfer");
        assertEq(usdc.balanceOf(address(market)), escrow, "nothing moved");
    }

    function test_UsdcUnpaused_PaymentsSucceed() external {
        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(buyer);
        market.cancel(toCancel);

        vm.prank(admin);
        usdc.setPaused(false);

        uint256 buyerBefore = usdc.balanceOf(buyer);
        vm.prank(buyer);
        uint256 jobId = market.requestJob(trackedRequest(2, 4, 3_000_000));
        assertEq(uint8(market.getJob(jobId).status), uint8(JobStatus.Requested));
        vm.prank(buyer);
        market.cancel(toCancel);
        vm.prank(buyer);
        market.claimRefund(toReclaim);
        // -24 deposited, +24 cancelled, +12 reclaimed.
        assertEq(usdc.balanceOf(buyer), buyerBefore + 12e6);

        vm.prank(sellerPayout);
        market.withdraw(sellerPayout);
        assertEq(usdc.balanceOf(sellerPayout), 12e6);
        assertEq(market.earningsOf(sellerPayout), 0);
    }
}
