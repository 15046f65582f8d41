// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

/// @notice Team roles, strongest last. Admin manages members, whitelist, cap and treasury; User
/// submits jobs funded by the team's treasury; Viewer reads.
enum TeamRole {
    None,
    Viewer,
    User,
    Admin
}

/// @title Team policy for Tracked mode: who may do what, which providers the team's jobs may use
/// and how much the team may commit per rolling 30 days.
/// @notice Policy only: the team's money (its treasury balance and the spend counted against the
/// cap) is held and accounted by the market (ITeamTreasury), which reads this policy when a team
/// job is requested or routed and when the treasury is withdrawn from.
interface ITeamAccess {
    event TeamCreated(uint32 indexed teamId, address indexed admin, string name);
    event TeamRoleSet(uint32 indexed teamId, address indexed account, TeamRole role, address indexed by);
    event WhitelistToggled(uint32 indexed teamId, bool enabled);
    event ProviderWhitelisted(uint32 indexed teamId, uint32 indexed providerId, bool allowed);
    event SpendingCapSet(uint32 indexed teamId, uint256 cap);

    error TeamAccess_UnknownTeam(uint32 teamId);
    error TeamAccess_NotAdmin(uint32 teamId, address caller);
    error TeamAccess_LastAdmin(uint32 teamId, address account);
    error TeamAccess_ZeroAddress();

    /// @notice Creates a team; the caller is its first Admin.
    /// @param name Display name, emitted only.
    /// @return teamId The new team's id (1-based).
    function createTeam(string calldata name) external returns (uint32 teamId);

    /// @notice Admin: grants `role` to `account` (None revokes). A team always keeps one Admin. A
    /// member whose role no longer submits can no longer request team jobs, and the jobs it
    /// requested are no longer routed.
    /// @param teamId The caller's team.
    /// @param account The member.
    /// @param role The new role.
    function setRole(uint32 teamId, address account, TeamRole role) external;

    /// @notice Admin: turns the provider whitelist on or off (checked when a team job is routed).
    /// @param teamId The caller's team.
    /// @param enabled Whether only whitelisted providers may carry the team's jobs.
    function setWhitelistEnabled(uint32 teamId, bool enabled) external;

    /// @notice Admin: adds or removes a provider from the whitelist.
    /// @param teamId The caller's team.
    /// @param providerId A provider id of the market.
    /// @param allowed Whether it may carry the team's jobs while the whitelist is on.
    function setProviderWhitelisted(uint32 teamId, uint32 providerId, bool allowed) external;

    /// @notice Admin: caps what the team's jobs may commit over a rolling 30 days (0 = no cap); see
    /// ITeamTreasury for the exact guarantee.
    /// @param teamId The caller's team.
    /// @param cap USDC base units.
    function setSpendingCap(uint32 teamId, uint256 cap) external;

    /// @notice What the market checks when `account` requests a job for the team.
    /// @param teamId An existing team (reverts TeamAccess_UnknownTeam otherwise).
    /// @param account The requester.
    /// @return role The requester's role; only User and Admin may submit.
    /// @return cap The team's spending cap (0 = none).
    function submitTerms(uint32 teamId, address account) external view returns (TeamRole role, uint256 cap);

    /// @notice What the market checks when routing a team job.
    /// @param teamId The job's team.
    /// @param submitter The member who requested the job.
    /// @param providerId The provider of the offer the job is routed to.
    /// @return submitterActive Whether the submitter still holds a submitting role (User or Admin).
    /// @return providerAllowed Whether the whitelist is off or lists the provider.
    function routeTerms(uint32 teamId, address submitter, uint32 providerId)
        external
        view
        returns (bool submitterActive, bool providerAllowed);

    /// @notice Whether a job of the team may be routed to the provider.
    /// @param teamId The team.
    /// @param providerId A provider id of the market.
    /// @return True when the whitelist is off or lists the provider.
    function isProviderAllowed(uint32 teamId, uint32 providerId) external view returns (bool);

    /// @param teamId The team.
    /// @param account Any address.
    /// @return The account's role in the team (None when it is not a member).
    function roleOf(uint32 teamId, address account) external view returns (TeamRole);

    /// @param teamId The team.
    /// @return The team's spending cap per rolling 30 days, USDC base units (0 = none).
    function spendingCap(uint32 teamId) external view returns (uint256);

    /// @return The number of teams (ids run from 1 to this).
    function teamCount() external view returns (uint32);

    /// @param teamId An existing team (reverts TeamAccess_UnknownTeam otherwise).
    /// @return adminCount How many Admins it has (never zero).
    /// @return whitelistEnabled Whether only whitelisted providers may carry its jobs.
    function teamState(uint32 teamId) external view returns (uint32 adminCount, bool whitelistEnabled);

    /// @param teamId The team.
    /// @param providerId A provider id of the market.
    /// @return Whether the provider is on the team's whitelist (it matters while the whitelist is on).
    function providerWhitelisted(uint32 teamId, uint32 providerId) external view returns (bool);
}
