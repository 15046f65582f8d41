// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Team roles, strongest last. Admin manages members, whitelist and budget; User submits
/// jobs; Viewer browses history.
enum TeamRole {
    None,
    Viewer,
    User,
    Admin
}

/// @title Team access for Tracked mode: roles, provider whitelist and spending caps.
interface ITeamAccess {
    event TeamCreated(uint32 indexed teamId, address indexed admin, string name);
    event TeamRoleSet(uint32 indexed teamId, address indexed account, TeamRole role, address indexed by);
    event WhitelistToggled(uint32 indexed teamId, bool enabled);
    event ProviderWhitelisted(uint32 indexed teamId, uint32 indexed providerId, bool allowed);
    event SpendingCapSet(uint32 indexed teamId, uint256 capPerWindow);
    event TeamSpendRecorded(
        uint32 indexed teamId,
        address indexed user,
        uint256 indexed jobId,
        uint256 amount,
        uint40 windowStart,
        uint256 spentInWindow
    );

    error TeamAccess_UnknownTeam(uint32 teamId);
    error TeamAccess_NotAdmin(uint32 teamId, address caller);
    error TeamAccess_NotSubmitter(uint32 teamId, address account, TeamRole role);
    error TeamAccess_LastAdmin(uint32 teamId, address account);
    error TeamAccess_SpendingCapExceeded(uint32 teamId, uint256 spentInWindow, uint256 amount, uint256 cap);
    error TeamAccess_OnlyMarket(address caller);
    error TeamAccess_ZeroAddress();

    /// @notice The length of a spending window: a window opens at the first spend after the
    /// previous one closed.
    function SPEND_WINDOW() external view returns (uint256);

    /// @notice Creates a team; the caller is its first Admin.
    function createTeam(string calldata name) external returns (uint32 teamId);

    /// @notice Admin: grants `role` to `account` (None revokes). A team always keeps one Admin.
    function setRole(uint32 teamId, address account, TeamRole role) external;

    /// @notice Admin: turns the provider whitelist on or off.
    function setWhitelistEnabled(uint32 teamId, bool enabled) external;

    /// @notice Admin: adds or removes a provider from the whitelist.
    function setProviderWhitelisted(uint32 teamId, uint32 providerId, bool allowed) external;

    /// @notice Admin: caps the deposits the team may commit per window (0 = no cap).
    function setSpendingCap(uint32 teamId, uint256 capPerWindow) external;

    /// @notice Market only: checks that `user` may submit for the team and that `amount` fits the
    /// cap, then records it.
    function recordSpend(uint32 teamId, address user, uint256 jobId, uint256 amount) external;

    /// @notice Whether a job of the team may be routed to the provider.
    function isProviderAllowed(uint32 teamId, uint32 providerId) external view returns (bool);

    function roleOf(uint32 teamId, address account) external view returns (TeamRole);
    function teamCount() external view returns (uint32);
}
