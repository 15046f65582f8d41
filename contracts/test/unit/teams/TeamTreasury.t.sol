// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {JobsBase} from "../jobs/JobsBase.sol";
import {IJobRegistry, JobAction, JobRequest, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";
import {TeamRole} from "../../../src/interfaces/ITeamAccess.sol";
import {ITeamTreasury} from "../../../src/interfaces/ITeamTreasury.sol";

/// depositToTeam
/// ├── given paused / a zero amount / an unknown team: reverts
/// └── otherwise (any account, again and again): the balance grows, TeamDeposited with the balance
/// withdrawFromTeam
/// ├── when the caller is not an Admin of the team (User, Viewer, stranger, another team's Admin): reverts
/// ├── when the recipient is zero, the amount zero, or above the balance (committed funds are not
/// │   in it): reverts
/// └── otherwise: the balance shrinks, the USDC goes to the recipient, TeamWithdrawn
contract TeamTreasuryFundsTest is JobsBase {
    function test_RevertGiven_Paused() external {
        pauseMarket();
        vm.expectRevert(IJobRegistry.JobRegistry_Paused.selector);
        vm.prank(teamAdmin);
        market.depositToTeam(teamId, 1e6);
    }

    function test_RevertWhen_DepositZero() external {
        vm.expectRevert(ITeamTreasury.TeamTreasury_ZeroAmount.selector);
        vm.prank(teamAdmin);
        market.depositToTeam(teamId, 0);
    }

    function test_RevertGiven_UnknownTeam() external {
        vm.startPrank(teamAdmin);
        vm.expectRevert(abi.encodeWithSelector(ITeamTreasury.TeamTreasury_UnknownTeam.selector, 0));
        market.depositToTeam(0, 1e6);
        vm.expectRevert(abi.encodeWithSelector(ITeamTreasury.TeamTreasury_UnknownTeam.selector, teamId + 1));
        market.depositToTeam(teamId + 1, 1e6);
        vm.stopPrank();
    }

    function test_WhenAnyoneDeposits() external {
        vm.expectEmit(address(market));
        emit ITeamTreasury.TeamDeposited(teamId, teamAdmin, 100e6, 100e6);
        vm.prank(teamAdmin);
        market.depositToTeam(teamId, 100e6);
        vm.expectEmit(address(market));
        emit ITeamTreasury.TeamDeposited(teamId, buyer, 50e6, 150e6);
        vm.prank(buyer);
        market.depositToTeam(teamId, 50e6);
        (uint256 balance, uint256 windowSpend, uint256 cap, uint256 spendable) = market.teamFunds(teamId);
        assertEq(balance, 150e6, "balance");
        assertEq(windowSpend, 0, "nothing spent");
        assertEq(cap, 0, "no cap");
        assertEq(spendable, 150e6, "all of it");
        assertEq(usdc.balanceOf(address(market)), 150e6, "held by the market");
    }

    function test_RevertWhen_WithdrawerNotAdmin() external {
        fundTeamTreasury();
        vm.prank(stranger);
        uint32 otherTeam = team.createTeam("other");
        address[4] memory callers = [teamUser, teamViewer, stranger, buyer];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(ITeamTreasury.TeamTreasury_NotAdmin.selector, teamId, callers[i])
            );
            vm.prank(callers[i]);
            market.withdrawFromTeam(teamId, callers[i], 1e6);
        }
        assertEq(otherTeam, teamId + 1, "the stranger administers another team only");
    }

    function test_RevertWhen_WithdrawalInvalid() external {
        fundTeamTreasury();
        vm.startPrank(teamAdmin);
        vm.expectRevert(IJobRegistry.JobRegistry_ZeroAddress.selector);
        market.withdrawFromTeam(teamId, address(0), 1e6);
        vm.expectRevert(ITeamTreasury.TeamTreasury_ZeroAmount.selector);
        market.withdrawFromTeam(teamId, teamAdmin, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_WithdrawingCommittedFunds() external {
        fundTeamTreasury();
        requestTeam();
        uint256 balance = TEAM_TREASURY - DEPOSIT;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_InsufficientBalance.selector, teamId, balance, TEAM_TREASURY
            )
        );
        vm.prank(teamAdmin);
        market.withdrawFromTeam(teamId, teamAdmin, TEAM_TREASURY);
    }

    function test_WhenAdminWithdraws() external {
        fundTeamTreasury();
        requestTeam();
        address to = makeAddr("teamWallet");
        uint256 balance = TEAM_TREASURY - DEPOSIT;
        vm.expectEmit(address(market));
        emit ITeamTreasury.TeamWithdrawn(teamId, teamAdmin, to, balance, 0);
        vm.prank(teamAdmin);
        market.withdrawFromTeam(teamId, to, balance);
        assertEq(usdc.balanceOf(to), balance, "paid out");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "the open job's deposit stays in escrow");
    }
}

/// team jobs and the treasury
/// ├── cancel, by the submitter or by any Admin of the team: the whole deposit back to the treasury
/// │   and off the cap; a User who did not submit, or another team's Admin, cannot
/// ├── cancelWithSig of a team job: the deposit goes to the treasury whatever the signed recipient
/// ├── claimRefund past the start deadline (controller or Admin): credited to the treasury
/// └── a member whose role is revoked: cannot request, its requested job cannot be routed, an Admin
///     cancels it
contract TeamJobsTest is JobsBase {
    function setUp() public override {
        super.setUp();
        fundTeamTreasury();
    }

    function test_WhenSubmitterCancels_CreditsTheTeam() external {
        uint256 jobId = requestTeam();
        uint256 userBefore = usdc.balanceOf(teamUser);
        vm.expectEmit(address(market));
        emit ITeamTreasury.TeamJobCredited(teamId, jobId, DEPOSIT, TEAM_TREASURY, 0);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobCancelled(jobId, JobStatus.Requested, DEPOSIT);
        vm.prank(teamUser);
        market.cancel(jobId);
        _assertFunds(TEAM_TREASURY, 0);
        assertEq(usdc.balanceOf(teamUser), userBefore, "nothing to the member's wallet");
    }

    function test_WhenAdminCancelsRoutedTeamJob() external {
        uint256 jobId = requestTeam();
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        vm.prank(teamAdmin);
        market.cancel(jobId);
        assertStatus(jobId, JobStatus.Cancelled);
        assertEq(gpusInUse(fixedOffer), 0, "GPUs freed");
        _assertFunds(TEAM_TREASURY, 0);
    }

    function test_RevertWhen_OtherMemberOrOtherTeamCancels() external {
        uint256 jobId = requestTeam();
        vm.prank(teamAdmin);
        team.setRole(teamId, buyer, TeamRole.User);
        vm.prank(stranger);
        team.createTeam("other");
        address[3] memory callers = [buyer, teamViewer, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IJobRegistry.JobRegistry_NotController.selector, jobId, callers[i])
            );
            vm.prank(callers[i]);
            market.cancel(jobId);
        }
    }

    function test_WhenCancelledBySignature_CreditsTheTeamNotTheRecipient() external {
        (address member, uint256 memberKey) = makeAddrAndKey("member");
        vm.prank(teamAdmin);
        team.setRole(teamId, member, TeamRole.User);
        vm.prank(member);
        uint256 jobId = market.requestJob(teamRequest(GPUS, HOURS, MAX_PRICE));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signAction(memberKey, jobId, JobAction.Cancel, stranger, deadline);
        market.cancelWithSig(jobId, stranger, deadline, sig);
        assertEq(usdc.balanceOf(stranger), 0, "not paid out");
        _assertFunds(TEAM_TREASURY, 0);
    }

    function test_WhenAdminClaimsTeamJobPastStartDeadline() external {
        uint256 jobId = requestTeam();
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        vm.warp(T0 + START_WINDOW + 1);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRefunded(jobId, JobStatus.Routed, DEPOSIT);
        vm.prank(teamAdmin);
        market.claimRefund(jobId);
        assertEq(gpusInUse(fixedOffer), 0, "GPUs freed");
        _assertFunds(TEAM_TREASURY, 0);
    }

    function test_GivenMemberRevoked_NoRequestNoRouteAdminCancels() external {
        uint256 jobId = requestTeam();
        vm.prank(teamAdmin);
        team.setRole(teamId, teamUser, TeamRole.None);

        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_NotSubmitter.selector, teamId, teamUser, TeamRole.None
            )
        );
        requestTeam();
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_SubmitterNotActive.selector, teamId, teamUser)
        );
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        vm.prank(teamAdmin);
        market.cancel(jobId);
        _assertFunds(TEAM_TREASURY, 0);
    }

    function _assertFunds(uint256 balance, uint256 windowSpend) private view {
        (uint256 b, uint256 w,,) = market.teamFunds(teamId);
        assertEq(b, balance, "team balance");
        assertEq(w, windowSpend, "counted against the cap");
    }
}

/// The spending cap over a rolling 30 days (ITeamTreasury): two epoch buckets.
/// ├── up to the cap: accepted; one more unit: reverts with what counts
/// ├── a cancel gives the cap back at once; a completion gives back what was not spent
/// ├── across an epoch boundary the last epoch still counts: no second cap right after the boundary
/// ├── spend of two epochs ago no longer counts
/// ├── a job of the last epoch credited back leaves that bucket, not the current one; a job of two
/// │   epochs ago changes neither
/// ├── spendable: the balance, bounded by what the cap leaves
/// └── fuzz: at every moment, in every 30-day interval, committed less credited never exceeds the cap
contract SpendingWindowTest is JobsBase {
    uint256 internal constant CAP = 100e6;
    uint256 internal epoch;

    function setUp() public override {
        super.setUp();
        vm.prank(admin);
        usdc.mint(teamAdmin, 1_000_000e6);
        vm.startPrank(teamAdmin);
        market.depositToTeam(teamId, 1_000_000e6);
        team.setSpendingCap(teamId, CAP);
        vm.stopPrank();
        epoch = market.SPEND_EPOCH();
        // Start at the beginning of an epoch, so each test places its jobs where it means to.
        vm.warp((block.timestamp / epoch + 1) * epoch);
    }

    function test_UpToTheCap() external {
        _teamJob(60e6);
        _teamJob(40e6);
        _expectCapExceeded(CAP, 1);
        _teamJob(1);
        (,, uint256 cap, uint256 spendable) = market.teamFunds(teamId);
        assertEq(cap, CAP, "cap");
        assertEq(spendable, 0, "nothing left under the cap");
    }

    function test_CancelGivesTheCapBack() external {
        uint256 jobId = _teamJob(CAP);
        vm.prank(teamUser);
        market.cancel(jobId);
        _teamJob(CAP);
    }

    function test_CompletionGivesBackWhatWasNotSpent() external {
        // 2 GPUs x 4 h at up to $3.00 = 24 USDC; 1 hour at $2.00 x 2 GPUs = 4 USDC spent.
        vm.prank(teamUser);
        uint256 jobId = market.requestJob(teamRequest(GPUS, HOURS, MAX_PRICE));
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(seller);
        market.completeJob(jobId, 1 hours);
        (, uint256 windowSpend,, uint256 spendable) = market.teamFunds(teamId);
        assertEq(windowSpend, 4e6, "only the spend counts");
        assertEq(spendable, CAP - 4e6, "the rest of the cap");
    }

    function test_NoSecondCapAcrossTheBoundary() external {
        vm.warp(block.timestamp + epoch - 1 hours);
        _teamJob(CAP);
        vm.warp(block.timestamp + 2 hours); // the next epoch, one hour after the spend
        _expectCapExceeded(CAP, 1);
        _teamJob(1);
        vm.warp(block.timestamp + epoch - 1 hours - 1); // just before the spend's epoch stops counting
        _expectCapExceeded(CAP, 1);
        _teamJob(1);
    }

    function test_SpendOfTwoEpochsAgoNoLongerCounts() external {
        _teamJob(CAP);
        vm.warp(block.timestamp + 2 * epoch);
        (, uint256 windowSpend,,) = market.teamFunds(teamId);
        assertEq(windowSpend, 0, "no longer counted");
        _teamJob(CAP);
    }

    function test_CreditOfLastEpochJobLeavesTheLastBucket() external {
        uint256 old = _teamJob(60e6);
        vm.warp(block.timestamp + epoch);
        _teamJob(40e6);
        vm.prank(teamUser);
        market.cancel(old);
        (, uint256 windowSpend,,) = market.teamFunds(teamId);
        assertEq(windowSpend, 40e6, "the last bucket gave the 60 back");
        _teamJob(60e6);
        // When the 40 and 60 of this epoch roll into the last bucket, they still count in full.
        vm.warp(block.timestamp + epoch);
        _expectCapExceeded(CAP, 1);
        _teamJob(1);
    }

    function test_CreditOfOlderJobChangesNoBucket() external {
        uint256 old = _teamJob(60e6);
        vm.warp(block.timestamp + 2 * epoch);
        _teamJob(CAP);
        vm.prank(teamUser);
        market.cancel(old);
        (uint256 balance, uint256 windowSpend,,) = market.teamFunds(teamId);
        assertEq(windowSpend, CAP, "the current bucket keeps its spend");
        assertEq(balance, 1_000_000e6 - CAP, "but the treasury has the old deposit back");
    }

    function test_SpendableIsTheSmallerOfBalanceAndCapLeft() external {
        _teamJob(30e6);
        (,,, uint256 spendable) = market.teamFunds(teamId);
        assertEq(spendable, 70e6, "cap left");
        vm.prank(teamAdmin);
        market.withdrawFromTeam(teamId, teamAdmin, 1_000_000e6 - 30e6 - 5e6);
        (,,, spendable) = market.teamFunds(teamId);
        assertEq(spendable, 5e6, "balance");
    }

    /// @dev Team jobs of random sizes at random times, some cancelled later. After every step, for
    /// every 30-day interval starting at a job's request, the deposits of the jobs requested in it
    /// less what was credited back stay within the cap. A request that the cap refuses is skipped.
    function testFuzz_NoIntervalOf30DaysExceedsTheCap(uint256[24] calldata steps) external {
        uint256[] memory times = new uint256[](steps.length);
        uint256[] memory amounts = new uint256[](steps.length);
        uint256[] memory ids = new uint256[](steps.length);
        uint256 n;
        for (uint256 i; i < steps.length; ++i) {
            uint256 step = steps[i];
            vm.warp(block.timestamp + bound(step >> 8, 0, 20 days));
            if (step % 4 == 0 && n != 0) {
                uint256 k = (step >> 128) % n;
                if (amounts[k] != 0) {
                    vm.prank(teamUser);
                    market.cancel(ids[k]);
                    amounts[k] = 0;
                }
            } else {
                uint256 amount = bound(step >> 64, 1, CAP);
                JobRequest memory req = teamRequest(1, 1, uint64(amount));
                vm.prank(teamUser);
                (bool ok, bytes memory ret) = address(market).call(abi.encodeCall(market.requestJob, (req)));
                if (ok) {
                    (times[n], amounts[n], ids[n]) = (block.timestamp, amount, abi.decode(ret, (uint256)));
                    ++n;
                } else {
                    assertEq(bytes4(ret), ITeamTreasury.TeamTreasury_SpendingCapExceeded.selector, "refused");
                }
            }
            for (uint256 a; a < n; ++a) {
                uint256 inInterval;
                for (uint256 b; b < n; ++b) {
                    if (times[b] >= times[a] && times[b] < times[a] + 30 days) inInterval += amounts[b];
                }
                assertLe(inInterval, CAP, "an interval of 30 days above the cap");
            }
        }
    }

    function _teamJob(uint256 amount) private returns (uint256 jobId) {
        vm.prank(teamUser);
        jobId = market.requestJob(teamRequest(1, 1, uint64(amount)));
    }

    function _expectCapExceeded(uint256 windowSpend, uint256 amount) private {
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_SpendingCapExceeded.selector, teamId, windowSpend, amount, CAP
            )
        );
    }
}
