// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITeamAccess, TeamRole} from "./interfaces/ITeamAccess.sol";

/// @title Teams for Tracked mode: roles, provider whitelist and a spending cap per window.
/// @notice The cap bounds what a team commits: a job's whole deposit counts when it is requested,
/// and refunds do not give budget back within the window.
contract TeamAccess is ITeamAccess {
    uint256 public constant SPEND_WINDOW = 30 days;

    /// @dev One slot per team. A team exists while it has an Admin; the last one cannot leave.
    struct Team {
        uint32 adminCount;
        bool whitelistEnabled;
        uint40 windowStart;
        uint128 spentInWindow;
    }

    /// @notice The market allowed to record spend.
    address public immutable market;
    uint32 public teamCount;

    mapping(uint32 teamId => Team) internal _teams;
    mapping(uint32 teamId => uint256) public spendingCap;
    mapping(uint32 teamId => mapping(address account => TeamRole)) internal _roles;
    mapping(uint32 teamId => mapping(uint32 providerId => bool)) public providerWhitelisted;

    constructor(address market_) {
        if (market_ == address(0)) revert TeamAccess_ZeroAddress();
        market = market_;
    }

    modifier onlyTeamAdmin(uint32 teamId) {
        _existingTeam(teamId);
        if (_roles[teamId][msg.sender] != TeamRole.Admin) revert TeamAccess_NotAdmin(teamId, msg.sender);
        _;
    }

    /// @inheritdoc ITeamAccess
    function createTeam(string calldata name) external returns (uint32 teamId) {
        teamId = ++teamCount;
        _teams[teamId].adminCount = 1;
        _roles[teamId][msg.sender] = TeamRole.Admin;
        emit TeamCreated(teamId, msg.sender, name);
        emit TeamRoleSet(teamId, msg.sender, TeamRole.Admin, msg.sender);
    }

    /// @inheritdoc ITeamAccess
    function setRole(uint32 teamId, address account, TeamRole role) external onlyTeamAdmin(teamId) {
        if (account == address(0)) revert TeamAccess_ZeroAddress();
        TeamRole previous = _roles[teamId][account];
        Team storage team = _teams[teamId];
        if (previous == TeamRole.Admin && role != TeamRole.Admin) {
            if (team.adminCount == 1) revert TeamAccess_LastAdmin(teamId, account);
            team.adminCount--;
        } else if (previous != TeamRole.Admin && role == TeamRole.Admin) {
            team.adminCount++;
        }
        _roles[teamId][account] = role;
        emit TeamRoleSet(teamId, account, role, msg.sender);
    }

    /// @inheritdoc ITeamAccess
    function setWhitelistEnabled(uint32 teamId, bool enabled) external onlyTeamAdmin(teamId) {
        _teams[teamId].whitelistEnabled = enabled;
        emit WhitelistToggled(teamId, enabled);
    }

    /// @inheritdoc ITeamAccess
    function setProviderWhitelisted(uint32 teamId, uint32 providerId, bool allowed)
        external
        onlyTeamAdmin(teamId)
    {
        providerWhitelisted[teamId][providerId] = allowed;
        emit ProviderWhitelisted(teamId, providerId, allowed);
    }

    /// @inheritdoc ITeamAccess
    function setSpendingCap(uint32 teamId, uint256 capPerWindow) external onlyTeamAdmin(teamId) {
        spendingCap[teamId] = capPerWindow;
        emit SpendingCapSet(teamId, capPerWindow);
    }

    /// @inheritdoc ITeamAccess
    function recordSpend(uint32 teamId, address user, uint256 jobId, uint256 amount) external {
        if (msg.sender != market) revert TeamAccess_OnlyMarket(msg.sender);
        Team storage team = _existingTeam(teamId);
        TeamRole role = _roles[teamId][user];
        if (role != TeamRole.User && role != TeamRole.Admin) {
            revert TeamAccess_NotSubmitter(teamId, user, role);
        }

        if (block.timestamp >= uint256(team.windowStart) + SPEND_WINDOW) {
            team.windowStart = uint40(block.timestamp);
            team.spentInWindow = 0;
        }
        uint256 spent = team.spentInWindow;
        uint256 cap = spendingCap[teamId];
        if (cap != 0 && spent + amount > cap) {
            revert TeamAccess_SpendingCapExceeded(teamId, spent, amount, cap);
        }
        team.spentInWindow = uint128(spent + amount);
        emit TeamSpendRecorded(teamId, user, jobId, amount, team.windowStart, spent + amount);
    }

    /// @inheritdoc ITeamAccess
    function isProviderAllowed(uint32 teamId, uint32 providerId) external view returns (bool) {
        return !_teams[teamId].whitelistEnabled || providerWhitelisted[teamId][providerId];
    }

    /// @inheritdoc ITeamAccess
    function roleOf(uint32 teamId, address account) external view returns (TeamRole) {
        return _roles[teamId][account];
    }

    /// @notice The team's current window: when it opened, what it spent, whether the whitelist is on.
    function teamState(uint32 teamId)
        external
        view
        returns (uint32 adminCount, bool whitelistEnabled, uint40 windowStart, uint256 spentInWindow)
    {
        Team storage team = _existingTeam(teamId);
        return (team.adminCount, team.whitelistEnabled, team.windowStart, team.spentInWindow);
    }

    function _existingTeam(uint32 teamId) private view returns (Team storage team) {
        team = _teams[teamId];
        if (team.adminCount == 0) revert TeamAccess_UnknownTeam(teamId);
    }
}
