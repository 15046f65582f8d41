// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

import {TeamRole} from "./ITeamAccess.sol";

/// @title Team treasuries, held by the market beside the jobs' escrow.
/// @notice A team's USDC balance funds its jobs: a User or Admin requests a team job and its whole
/// deposit moves from the balance into the job's escrow, with no token transfer and no wallet funds;
/// whatever the job does not spend (cancel, unroutable, expiry, the rest after completion) is
/// credited straight back to the balance. Admins withdraw what is not committed.
///
/// Spending cap (set in TeamAccess) over a rolling 30 days, O(1): time is cut into epochs of
/// SPEND_EPOCH (30 days) and the team keeps two buckets, the spend of the current epoch and of the
/// one before. A team job adds its deposit to the bucket of the epoch it is requested in, and its
/// unspent part is taken back out of that bucket when it is credited back (a bucket already
/// dropped is left alone). A request is accepted only if both buckets plus the deposit stay within
/// the cap. Guarantee: at every moment, for every 30-day interval, the deposits of the team jobs
/// requested in that interval, less what has been credited back, never exceed the cap (any such
/// interval lies within two consecutive epochs, which are exactly what the check counts); no burst
/// at an epoch boundary is possible. The price of O(1): spend keeps counting until the epoch after
/// its own ends, so between 30 and 60 days after it was committed. A cap lowered below what is
/// already counted blocks new team jobs until enough spend stops counting.
interface ITeamTreasury {
    event TeamDeposited(uint32 indexed teamId, address indexed from, uint256 amount, uint256 balance);
    event TeamWithdrawn(
        uint32 indexed teamId, address indexed by, address indexed to, uint256 amount, uint256 balance
    );
    /// @notice A team job's deposit moved from the balance into escrow.
    /// @param submitter The User or Admin who requested the job.
    /// @param balance The team's balance after it.
    /// @param windowSpend What counts against the cap now.
    event TeamJobFunded(
        uint32 indexed teamId,
        uint256 indexed jobId,
        address indexed submitter,
        uint256 amount,
        uint256 balance,
        uint256 windowSpend
    );
    /// @notice What a team job did not spend came back to the balance (and off the cap while its
    /// epoch still counts).
    /// @param balance The team's balance after it.
    /// @param windowSpend What counts against the cap now.
    event TeamJobCredited(
        uint32 indexed teamId, uint256 indexed jobId, uint256 amount, uint256 balance, uint256 windowSpend
    );

    error TeamTreasury_UnknownTeam(uint32 teamId);
    error TeamTreasury_ZeroAmount();
    error TeamTreasury_NotAdmin(uint32 teamId, address caller);
    error TeamTreasury_NotSubmitter(uint32 teamId, address account, TeamRole role);
    error TeamTreasury_InsufficientBalance(uint32 teamId, uint256 balance, uint256 amount);
    error TeamTreasury_SpendingCapExceeded(uint32 teamId, uint256 windowSpend, uint256 amount, uint256 cap);

    /// @return The length of a spend epoch: 30 days.
    function SPEND_EPOCH() external view returns (uint256);

    /// @notice Anyone: adds USDC to a team's treasury (approve the market first).
    /// @param teamId An existing team.
    /// @param amount USDC base units, non-zero.
    function depositToTeam(uint32 teamId, uint256 amount) external;

    /// @notice Team Admin: withdraws from the balance, which never includes what open jobs committed.
    /// @param teamId The caller's team.
    /// @param to Any non-zero address.
    /// @param amount USDC base units, non-zero, at most the balance.
    function withdrawFromTeam(uint32 teamId, address to, uint256 amount) external;

    /// @param teamId The team.
    /// @return balance USDC not committed to any job: what team jobs can draw and Admins can withdraw.
    /// @return windowSpend What counts against the cap now (both buckets).
    /// @return cap The cap per rolling 30 days (0 = none).
    /// @return spendable The largest deposit a team job could commit now: the balance, bounded by
    /// what the cap leaves.
    function teamFunds(uint32 teamId)
        external
        view
        returns (uint256 balance, uint256 windowSpend, uint256 cap, uint256 spendable);
}
