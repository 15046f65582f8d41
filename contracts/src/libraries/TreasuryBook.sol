// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IJobRegistry} from "../interfaces/IJobRegistry.sol";
import {ITeamAccess, TeamRole} from "../interfaces/ITeamAccess.sol";
import {ITeamTreasury} from "../interfaces/ITeamTreasury.sol";

/// @title The teams' treasuries and their rolling spending window (see ITeamTreasury).
/// @notice Deposits, withdrawals and the funds view are external: the market runs them by
/// DELEGATECALL on its own storage (like OfferBook, to stay under EIP-170). Committing a team job's
/// deposit and crediting back its unspent part are internal: requests, cancels and settlements
/// run them without a call.
library TreasuryBook {
    using SafeERC20 for IERC20;

    uint256 internal constant SPEND_EPOCH = 30 days;

    /// @dev Two slots per team. The first holds what a request in the current epoch needs: the
    /// balance, the epoch and the two spend buckets of ITeamTreasury. The second holds the first job
    /// id of each bucket's epoch: job ids grow with time, so a team job belongs to the current
    /// bucket if its id is at least `firstJobThisEpoch`, to the last one if at least
    /// `firstJobLastEpoch`, and to none otherwise, and no job needs to store its epoch. Deposits open
    /// the epoch too, so the team's first deposit allocates both slots and requests find them.
    /// 64 bits of USDC base units is 18 trillion USDC, far beyond any supply.
    struct TeamFunds {
        uint96 balance;
        uint32 epoch;
        uint64 spentThisEpoch;
        uint64 spentLastEpoch;
        uint64 firstJobThisEpoch;
        uint64 firstJobLastEpoch;
    }

    /* EXTERNAL (delegatecalled by the market) */

    /// @param nextJobId The id the next job will get.
    function deposit(
        mapping(uint32 teamId => TeamFunds) storage teams,
        IERC20 usdc,
        ITeamAccess teamAccess,
        uint32 teamId,
        uint256 amount,
        uint256 nextJobId
    ) external {
        if (amount == 0) revert ITeamTreasury.TeamTreasury_ZeroAmount();
        if (teamId == 0 || teamId > teamAccess.teamCount()) {
            revert ITeamTreasury.TeamTreasury_UnknownTeam(teamId);
        }
        TeamFunds storage funds = teams[teamId];
        _rollEpoch(funds, nextJobId);
        uint256 balance = funds.balance + amount;
        funds.balance = SafeCast.toUint96(balance);
        pullExact(usdc, msg.sender, amount);
        emit ITeamTreasury.TeamDeposited(teamId, msg.sender, amount, balance);
    }

    function withdraw(
        mapping(uint32 teamId => TeamFunds) storage teams,
        IERC20 usdc,
        ITeamAccess teamAccess,
        uint32 teamId,
        address to,
        uint256 amount
    ) external {
        if (teamAccess.roleOf(teamId, msg.sender) != TeamRole.Admin) {
            revert ITeamTreasury.TeamTreasury_NotAdmin(teamId, msg.sender);
        }
        if (to == address(0)) revert IJobRegistry.JobRegistry_ZeroAddress();
        if (amount == 0) revert ITeamTreasury.TeamTreasury_ZeroAmount();
        TeamFunds storage funds = teams[teamId];
        uint256 balance = funds.balance;
        if (amount > balance) revert ITeamTreasury.TeamTreasury_InsufficientBalance(teamId, balance, amount);
        funds.balance = uint96(balance - amount);
        usdc.safeTransfer(to, amount);
        emit ITeamTreasury.TeamWithdrawn(teamId, msg.sender, to, amount, balance - amount);
    }

    function fundsOf(mapping(uint32 teamId => TeamFunds) storage teams, ITeamAccess teamAccess, uint32 teamId)
        external
        view
        returns (uint256 balance, uint256 windowSpend, uint256 cap, uint256 spendable)
    {
        TeamFunds memory funds = teams[teamId];
        uint256 epoch = block.timestamp / SPEND_EPOCH;
        if (epoch == funds.epoch) windowSpend = uint256(funds.spentThisEpoch) + funds.spentLastEpoch;
        else if (epoch == uint256(funds.epoch) + 1) windowSpend = funds.spentThisEpoch;
        balance = funds.balance;
        cap = teamAccess.spendingCap(teamId);
        spendable = balance;
        if (cap != 0) {
            uint256 capLeft = cap > windowSpend ? cap - windowSpend : 0;
            if (capLeft < spendable) spendable = capLeft;
        }
    }

    /* INTERNAL (compiled into the market) */

    /// @notice Moves the deposit of team job `jobId` (the newest job) out of the balance into
    /// escrow, counted against the cap, after checking the submitter may spend for the team.
    function commit(
        TeamFunds storage funds,
        ITeamAccess teamAccess,
        uint32 teamId,
        address submitter,
        uint256 jobId,
        uint256 amount
    ) internal {
        (TeamRole role, uint256 cap) = teamAccess.submitTerms(teamId, submitter);
        if (role != TeamRole.User && role != TeamRole.Admin) {
            revert ITeamTreasury.TeamTreasury_NotSubmitter(teamId, submitter, role);
        }
        _rollEpoch(funds, jobId);
        uint256 windowSpend = uint256(funds.spentThisEpoch) + funds.spentLastEpoch;
        if (cap != 0 && windowSpend + amount > cap) {
            revert ITeamTreasury.TeamTreasury_SpendingCapExceeded(teamId, windowSpend, amount, cap);
        }
        uint256 balance = funds.balance;
        if (amount > balance) revert ITeamTreasury.TeamTreasury_InsufficientBalance(teamId, balance, amount);
        funds.balance = uint96(balance - amount);
        funds.spentThisEpoch = SafeCast.toUint64(funds.spentThisEpoch + amount);
        emit ITeamTreasury.TeamJobFunded(
            teamId, jobId, submitter, amount, balance - amount, windowSpend + amount
        );
    }

    /// @notice Credits the unspent part of team job `jobId` back to the balance, and takes it out
    /// of the bucket of the job's epoch while that bucket still counts.
    /// @param nextJobId The id the next job will get.
    function credit(TeamFunds storage funds, uint32 teamId, uint256 jobId, uint256 nextJobId, uint256 amount)
        internal
    {
        _rollEpoch(funds, nextJobId);
        uint256 balance = funds.balance + amount;
        funds.balance = SafeCast.toUint96(balance);
        // A bucket holds at least the unspent part of each of its jobs: each was added in full.
        if (jobId >= funds.firstJobThisEpoch) funds.spentThisEpoch -= uint64(amount);
        else if (jobId >= funds.firstJobLastEpoch) funds.spentLastEpoch -= uint64(amount);
        emit ITeamTreasury.TeamJobCredited(
            teamId, jobId, amount, balance, uint256(funds.spentThisEpoch) + funds.spentLastEpoch
        );
    }

    /// @notice Pulls exactly `amount` of USDC from `from`; a token that delivers less is rejected.
    function pullExact(IERC20 usdc, address from, uint256 amount) internal {
        uint256 balanceBefore = usdc.balanceOf(address(this));
        usdc.safeTransferFrom(from, address(this), amount);
        uint256 received = usdc.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert IJobRegistry.JobRegistry_UnsupportedToken(amount, received);
    }

    /// @dev Opens the current epoch if the team's buckets are older: the current bucket becomes the
    /// last one (or both empty after a gap), and team jobs from `nextJobId` on count in the new one.
    function _rollEpoch(TeamFunds storage funds, uint256 nextJobId) private {
        uint32 epoch = uint32(block.timestamp / SPEND_EPOCH);
        uint32 stored = funds.epoch;
        if (epoch == stored) return;
        bool consecutive = epoch == stored + 1;
        funds.spentLastEpoch = consecutive ? funds.spentThisEpoch : 0;
        funds.firstJobLastEpoch = consecutive ? funds.firstJobThisEpoch : uint64(nextJobId);
        funds.spentThisEpoch = 0;
        funds.firstJobThisEpoch = uint64(nextJobId);
        funds.epoch = epoch;
    }
}
