// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {NectoFixture} from "../utils/NectoFixture.sol";
import {Job, JobStatus} from "../../src/interfaces/IJobRegistry.sol";
import {Offer} from "../../src/interfaces/IProviderRegistry.sol";
import {GhostJob, Handler} from "./Handler.sol";

/// @title The invariants of README.md, one function per numbered line.
/// @notice Runs on the fixture's market (a seller with Fixed, Dynamic and Token offers, a gateway
/// and a team). Only the handler's actions are fuzzed.
contract InvariantsTest is NectoFixture {
    Handler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new Handler(market, usdc, team, teamId, admin, keeper, guardian, teamAdmin);

        // Each action once, and the lifecycle several times more, so sequences reach settlement.
        bytes4[] memory selectors = new bytes4[](36);
        selectors[0] = Handler.registerProvider.selector;
        selectors[1] = Handler.addOffer.selector;
        selectors[2] = Handler.setCapacity.selector;
        selectors[3] = Handler.updateProvider.selector;
        selectors[4] = Handler.requestTracked.selector;
        selectors[5] = Handler.requestUntracked.selector;
        selectors[6] = Handler.route.selector;
        selectors[7] = Handler.reroute.selector;
        selectors[8] = Handler.markUnroutable.selector;
        selectors[9] = Handler.startJob.selector;
        selectors[10] = Handler.completeJob.selector;
        selectors[11] = Handler.cancel.selector;
        selectors[12] = Handler.cancelWithSig.selector;
        selectors[13] = Handler.claimRefund.selector;
        selectors[14] = Handler.claimRefundWithSig.selector;
        selectors[15] = Handler.withdraw.selector;
        selectors[16] = Handler.setProtocolFee.selector;
        selectors[17] = Handler.setTeamWhitelist.selector;
        selectors[18] = Handler.pauseMarket.selector;
        selectors[19] = Handler.warp.selector;
        selectors[20] = Handler.route.selector;
        selectors[21] = Handler.route.selector;
        selectors[22] = Handler.reroute.selector;
        selectors[23] = Handler.startJob.selector;
        selectors[24] = Handler.startJob.selector;
        selectors[25] = Handler.completeJob.selector;
        selectors[26] = Handler.completeJob.selector;
        selectors[27] = Handler.completeJob.selector;
        selectors[28] = Handler.withdraw.selector;
        selectors[29] = Handler.withdraw.selector;
        selectors[30] = Handler.expire.selector;
        selectors[31] = Handler.expire.selector;
        selectors[32] = Handler.depositToTeam.selector;
        selectors[33] = Handler.withdrawFromTeam.selector;
        selectors[34] = Handler.setPricing.selector;
        selectors[35] = Handler.startJob.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));

        // Every run starts with work in flight: a funded team treasury; Tracked, team and Untracked
        // jobs, some routed, one started.
        handler.depositToTeam(1_000e6);
        handler.requestTracked(0, 1, false, true);
        handler.requestTracked(1, 2, true, false);
        handler.requestTracked(2, 3, false, false);
        handler.requestUntracked(3, 4, true);
        handler.requestUntracked(0, 5, false);
        handler.route(0, 0, 0);
        handler.route(1, 1, 1);
        handler.route(2, 2, 2);
        handler.startJob(0, 0);
    }

    /* MONEY */

    /// @notice 1. The market holds at least the deposits of open jobs, the refunds due, all
    /// withdrawable earnings and the team's treasury balance.
    function invariant_EscrowSolvent() external view {
        (uint256 open, uint256 refundsDue) = _escrowedForJobs();
        assertGe(
            usdc.balanceOf(address(market)),
            open + refundsDue + _withdrawable() + _teamBalance(),
            "escrow insolvent"
        );
    }

    /// @notice 2. Deposited (jobs and treasury) == paid to earners (withdrawn or withdrawable) +
    /// refunded to wallets + withdrawn from the treasury + the treasury's balance + still held for
    /// jobs; and the balance is exactly deposits less payments.
    function invariant_ValueConserved() external view {
        (uint256 open, uint256 refundsDue) = _escrowedForJobs();
        uint256 paidToEarners = handler.ghostWithdrawn() + _withdrawable();
        assertEq(
            handler.ghostDeposited(),
            paidToEarners + handler.ghostRefunded() + handler.ghostTeamWithdrawn() + _teamBalance() + open
                + refundsDue,
            "deposits != earners + refunds + treasury + held"
        );
        assertEq(
            usdc.balanceOf(address(market)),
            handler.ghostDeposited() - handler.ghostRefunded() - handler.ghostWithdrawn()
                - handler.ghostTeamWithdrawn(),
            "balance != deposits - payments"
        );
    }

    /// @notice 3. The earnings of all settled jobs (provider share + fee) are exactly what earners
    /// withdrew plus what they can still withdraw, and each completion credited the payout and the
    /// treasury their exact shares.
    function invariant_EarningsMatchSettlements() external view {
        assertEq(handler.settlementMismatches(), 0, "a completion credited the wrong shares");
        assertEq(
            handler.ghostEarned(), handler.ghostWithdrawn() + _withdrawable(), "earned != withdrawn + owed"
        );
    }

    /// @notice 4. Cancelled jobs returned their deposit, Refunded jobs their deposit less earnings,
    /// each at most once; nothing else paid the buyer side.
    function invariant_SettledJobsSumToDeposit() external view {
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            JobStatus status = market.getJob(jobId).status;
            GhostJob memory g = handler.ghostJob(jobId);
            assertLe(g.earned, g.deposit, "earnings above deposit");
            if (status == JobStatus.Cancelled) {
                assertEq(g.earned, 0, "cancelled job earned");
                assertEq(g.refundPaid, g.deposit, "cancel did not return the deposit");
                assertEq(g.buyerPayments, 1, "cancel paid more than once");
            } else if (status == JobStatus.Refunded) {
                assertEq(g.refundPaid + g.earned, g.deposit, "refund + earnings != deposit");
                assertEq(g.buyerPayments, 1, "refund paid more than once");
            } else {
                assertEq(g.refundPaid, 0, "an unsettled job paid its buyer");
                assertEq(g.buyerPayments, 0, "an unsettled job paid its buyer");
            }
        }
    }

    /// @notice 5. The team's treasury is conserved: deposited == committed (deposits of its open
    /// jobs) + spent (earnings of its settled jobs) + withdrawn + balance.
    function invariant_TeamFundsConserved() external view {
        uint256 committed;
        uint256 spent;
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            GhostJob memory g = handler.ghostJob(jobId);
            if (!g.team) continue;
            JobStatus status = market.getJob(jobId).status;
            if (status == JobStatus.Requested || status == JobStatus.Routed || status == JobStatus.Started) {
                committed += g.deposit;
            }
            spent += g.earned;
        }
        assertEq(
            handler.ghostTeamDeposited(),
            committed + spent + handler.ghostTeamWithdrawn() + _teamBalance(),
            "team deposits != committed + spent + withdrawn + balance"
        );
    }

    /* LIFECYCLE */

    /// @notice 6. Every observed status change is documented on JobStatus, and only the targeted
    /// job changes.
    function invariant_OnlyAllowedTransitions() external view {
        assertEq(handler.illegalTransitions(), 0, handler.lastIllegalTransition());
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            assertEq(
                uint8(market.getJob(jobId).status),
                uint8(handler.ghostJob(jobId).seenStatus),
                "unobserved change"
            );
        }
    }

    /// @notice 7. Decision roots only ever change through route/markUnroutable (from zero) and reroute.
    function invariant_DecisionRootNeverOverwritten() external view {
        assertEq(handler.rootOverwrites(), 0, "a decision root changed outside route/reroute");
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            assertEq(market.getJob(jobId).decisionRoot, handler.ghostJob(jobId).root, "decision root");
        }
    }

    /* CAPACITY */

    /// @notice 8. gpusInUse <= gpuCount, and gpusInUse == sum of GPUs of Routed/Started jobs on the offer.
    function invariant_GpusInUseMatchRoutedJobs() external view {
        uint32 offers = market.offerCount();
        uint256[] memory reserved = new uint256[](offers + 1);
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            Job memory job = market.getJob(jobId);
            if (job.status == JobStatus.Routed || job.status == JobStatus.Started) {
                reserved[job.offerId] += handler.ghostJob(jobId).gpuCount;
            }
        }
        for (uint32 offerId = 1; offerId <= offers; ++offerId) {
            Offer memory offer = market.getOffer(offerId);
            assertLe(offer.gpusInUse, offer.gpuCount, "more GPUs in use than listed");
            assertEq(offer.gpusInUse, reserved[offerId], "gpusInUse != GPUs of Routed/Started jobs");
        }
    }

    /// @notice 9. expire frees exactly the job's GPUs, no more, no fewer.
    function invariant_ExpireFreesExactlyTheJobsGpus() external view {
        assertEq(handler.expireMismatches(), 0, "expire freed another number of GPUs");
    }

    /* ROUTING AND STARTING */

    /// @notice 10. No route above its offer's committed ceiling: every routed price was at most the
    /// offer's ceiling (exactly its price for Necto Fixed and Dynamic offers) when routed, and every
    /// attempt above it failed.
    function invariant_NoRouteAboveItsCeiling() external view {
        assertEq(handler.routesAboveCeiling(), 0, "a route above its offer's ceiling");
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            GhostJob memory g = handler.ghostJob(jobId);
            assertLe(g.price, g.ceiling, "price above the ceiling recorded at route");
        }
    }

    /// @notice 11. No job starts inside its review window or while the market is paused: every
    /// attempt the handler made failed, and every started job started after its review ended.
    function invariant_NoStartInReviewWindowOrWhilePaused() external view {
        assertEq(handler.startsInReviewWindow(), 0, "a job started inside its review window");
        assertEq(handler.startsWhilePaused(), 0, "a job started while paused");
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            GhostJob memory g = handler.ghostJob(jobId);
            if (g.startedAt != 0) assertGe(g.startedAt, g.reviewEndsAt, "started before its review ended");
        }
    }

    /* PRIVACY */

    /// @notice 12. No log the market emitted during an Untracked request holds a buyer's address.
    function invariant_UntrackedJobsEmitNoBuyer() external view {
        assertEq(handler.buyerLogLeaks(), 0, "an Untracked request emitted a buyer address");
    }

    /// @notice 13. No Untracked job's controller is a buyer (it is its own fresh job key), and no
    /// slot written during an Untracked request holds a buyer's address.
    function invariant_UntrackedJobsStoreNoBuyer() external view {
        assertEq(handler.buyerStorageLeaks(), 0, "an Untracked request stored a buyer address");
        uint256[] memory jobIds = handler.untrackedJobs();
        for (uint256 i; i < jobIds.length; ++i) {
            address controller = market.getJob(jobIds[i]).controller;
            assertFalse(handler.isBuyer(controller), "an Untracked job's controller is a buyer");
            assertEq(controller, handler.ghostJob(jobIds[i]).controller, "controller is not the job key");
        }
    }

    /* HELPERS */

    /// @dev From the handler's own records: the deposits of open jobs, and the refunds due
    /// (rest of Completed jobs, whole deposit of Unroutable and Expired ones; a team job's refund is
    /// in the treasury's balance at once).
    function _escrowedForJobs() internal view returns (uint256 open, uint256 refundsDue) {
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            JobStatus status = market.getJob(jobId).status;
            GhostJob memory g = handler.ghostJob(jobId);
            if (status == JobStatus.Requested || status == JobStatus.Routed || status == JobStatus.Started) {
                open += g.deposit;
            } else if (status == JobStatus.Completed) {
                refundsDue += g.deposit - g.earned;
            } else if (status == JobStatus.Unroutable || status == JobStatus.Expired) {
                refundsDue += g.deposit;
            }
        }
    }

    function _teamBalance() internal view returns (uint256 balance) {
        (balance,,,) = market.teamFunds(teamId);
    }

    function _withdrawable() internal view returns (uint256 sum) {
        address[] memory earners = handler.earners();
        for (uint256 i; i < earners.length; ++i) {
            sum += market.earningsOf(earners[i]);
        }
    }
}
