// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITeamAccess, TeamRole} from "./interfaces/ITeamAccess.sol";

/// @title Teams for Tracked mode: roles, provider whitelist and the spending cap.
/// @notice Policy only; the market holds each team's treasury and counts its spend (TeamTreasury).
contract TeamAccess is ITeamAccess {
    /// @dev One slot per team. A team exists while it has an Admin; the last one cannot leave.
    struct Team {
        uint32 adminCount;
        bool whitelistEnabled;
    }

    uint32 public teamCount;

    mapping(uint32 teamId => Team) internal _teams;
    mapping(uint32 teamId => uint256) public spendingCap;
    mapping(uint32 teamId => mapping(address account => TeamRole)) internal _roles;
    mapping(uint32 teamId => mapping(uint32 providerId => bool)) public providerWhitelisted;

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
    function setSpendingCap(uint32 teamId, uint256 cap) external onlyTeamAdmin(teamId) {
        spendingCap[teamId] = cap;
        emit SpendingCapSet(teamId, cap);
    }

    /// @inheritdoc ITeamAccess
    function submitTerms(uint32 teamId, address account) external view returns (TeamRole role, uint256 cap) {
        _existingTeam(teamId);
        return (_roles[teamId][account], spendingCap[teamId]);
    }

    /// @inheritdoc ITeamAccess
    function routeTerms(uint32 teamId, address submitter, uint32 providerId)
        external
        view
        returns (bool submitterActive, bool providerAllowed)
    {
        return (_submits(_roles[teamId][submitter]), isProviderAllowed(teamId, providerId));
    }

    /// @inheritdoc ITeamAccess
    function isProviderAllowed(uint32 teamId, uint32 providerId) public view returns (bool) {
        return !_teams[teamId].whitelistEnabled || providerWhitelisted[teamId][providerId];
    }

    /// @inheritdoc ITeamAccess
    function roleOf(uint32 teamId, address account) external view returns (TeamRole) {
        return _roles[teamId][account];
    }

    /// @inheritdoc ITeamAccess
    function teamState(uint32 teamId) external view returns (uint32 adminCount, bool whitelistEnabled) {
        Team storage team = _existingTeam(teamId);
        return (team.adminCount, team.whitelistEnabled);
    }

    function _submits(TeamRole role) private pure returns (bool) {
        return role == TeamRole.User || role == TeamRole.Admin;
    }

    function _existingTeam(uint32 teamId) private view returns (Team storage team) {
        team = _teams[teamId];
        if (team.adminCount == 0) revert TeamAccess_UnknownTeam(teamId);
    }
}
