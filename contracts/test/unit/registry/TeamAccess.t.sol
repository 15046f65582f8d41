// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NectoFixture} from "../../utils/NectoFixture.sol";
import {ITeamAccess, TeamRole} from "../../../src/interfaces/ITeamAccess.sol";
import {IJobRegistry, JobRequest, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// @notice TeamAccess on its own (the market is pranked for recordSpend) and through the market.
/// Fixture: team 1 with teamAdmin (Admin), teamUser (User), teamViewer (Viewer).
contract TeamAccessTest is NectoFixture {
    uint32 internal constant UNKNOWN = 99;
    uint256 internal constant TEAM_DEPOSIT = 24e6; // 2 GPUs x 4 h x $3.00

    /* CREATE TEAM */

    function test_CreateTeam() public {
        vm.expectEmit(address(team));
        emit ITeamAccess.TeamCreated(2, stranger, "research");
        vm.expectEmit(address(team));
        emit ITeamAccess.TeamRoleSet(2, stranger, TeamRole.Admin, stranger);
        vm.prank(stranger);
        uint32 id = team.createTeam("research");

        assertEq(id, 2);
        assertEq(team.teamCount(), 2);
        assertEq(uint8(team.roleOf(id, stranger)), uint8(TeamRole.Admin));
        _assertTeamState(id, 1, false, 0, 0);
    }

    /* SET ROLE */

    function test_SetRole_GrantsEachRole() public {
        vm.startPrank(teamAdmin);
        for (uint8 r = uint8(TeamRole.Viewer); r <= uint8(TeamRole.Admin); r++) {
            vm.expectEmit(address(team));
            emit ITeamAccess.TeamRoleSet(teamId, stranger, TeamRole(r), teamAdmin);
            team.setRole(teamId, stranger, TeamRole(r));
            assertEq(uint8(team.roleOf(teamId, stranger)), r);
        }
        vm.stopPrank();
        _assertTeamState(teamId, 2, false, 0, 0);
    }

    function test_SetRole_RevokesAdmin() public {
        vm.startPrank(teamAdmin);
        team.setRole(teamId, stranger, TeamRole.Admin);
        vm.expectEmit(address(team));
        emit ITeamAccess.TeamRoleSet(teamId, stranger, TeamRole.None, teamAdmin);
        team.setRole(teamId, stranger, TeamRole.None);
        vm.stopPrank();

        assertEq(uint8(team.roleOf(teamId, stranger)), uint8(TeamRole.None));
        _assertTeamState(teamId, 1, false, 0, 0);
    }

    function test_SetRole_RevokesUserAndViewer() public {
        vm.startPrank(teamAdmin);
        team.setRole(teamId, teamUser, TeamRole.None);
        team.setRole(teamId, teamViewer, TeamRole.None);
        vm.stopPrank();

        assertEq(uint8(team.roleOf(teamId, teamUser)), uint8(TeamRole.None));
        assertEq(uint8(team.roleOf(teamId, teamViewer)), uint8(TeamRole.None));
        _assertTeamState(teamId, 1, false, 0, 0);
    }

    function test_SetRole_SecondAdminMayRemoveFirst() public {
        vm.prank(teamAdmin);
        team.setRole(teamId, teamUser, TeamRole.Admin);
        vm.prank(teamUser);
        team.setRole(teamId, teamAdmin, TeamRole.Viewer);

        assertEq(uint8(team.roleOf(teamId, teamAdmin)), uint8(TeamRole.Viewer));
        _assertTeamState(teamId, 1, false, 0, 0);
        _expectNotAdmin(teamAdmin);
        vm.prank(teamAdmin);
        team.setRole(teamId, teamAdmin, TeamRole.Admin);
    }

    function test_SetRole_ReGrantingAdminKeepsCount() public {
        vm.prank(teamAdmin);
        team.setRole(teamId, teamAdmin, TeamRole.Admin);
        _assertTeamState(teamId, 1, false, 0, 0);
    }

    function test_RevertWhen_RemovingLastAdmin() public {
        for (uint8 r; r < uint8(TeamRole.Admin); r++) {
            vm.expectRevert(
                abi.encodeWithSelector(ITeamAccess.TeamAccess_LastAdmin.selector, teamId, teamAdmin)
            );
            vm.prank(teamAdmin);
            team.setRole(teamId, teamAdmin, TeamRole(r));
        }
    }

    function test_RevertWhen_RemovingLastAdminAfterAnotherLeft() public {
        vm.startPrank(teamAdmin);
        team.setRole(teamId, stranger, TeamRole.Admin);
        team.setRole(teamId, stranger, TeamRole.User);
        vm.expectRevert(abi.encodeWithSelector(ITeamAccess.TeamAccess_LastAdmin.selector, teamId, teamAdmin));
        team.setRole(teamId, teamAdmin, TeamRole.User);
        vm.stopPrank();
    }

    function test_RevertWhen_SetRoleAccountZero() public {
        vm.expectRevert(ITeamAccess.TeamAccess_ZeroAddress.selector);
        vm.prank(teamAdmin);
        team.setRole(teamId, address(0), TeamRole.User);
    }

    function test_RevertWhen_SetRoleCallerNotAdmin() public {
        _expectNotAdmin(teamUser);
        vm.prank(teamUser);
        team.setRole(teamId, stranger, TeamRole.User);
    }

    /* WHITELIST */

    function test_SetWhitelistEnabled() public {
        vm.expectEmit(address(team));
        emit ITeamAccess.WhitelistToggled(teamId, true);
        vm.prank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);

        _assertTeamState(teamId, 1, true, 0, 0);
        assertFalse(team.isProviderAllowed(teamId, sellerId));

        vm.expectEmit(address(team));
        emit ITeamAccess.WhitelistToggled(teamId, false);
        vm.prank(teamAdmin);
        team.setWhitelistEnabled(teamId, false);
        assertTrue(team.isProviderAllowed(teamId, sellerId));
    }

    function test_SetProviderWhitelisted() public {
        vm.startPrank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);
        vm.expectEmit(address(team));
        emit ITeamAccess.ProviderWhitelisted(teamId, sellerId, true);
        team.setProviderWhitelisted(teamId, sellerId, true);
        vm.stopPrank();

        assertTrue(team.providerWhitelisted(teamId, sellerId));
        assertTrue(team.isProviderAllowed(teamId, sellerId));
        assertFalse(team.isProviderAllowed(teamId, gatewayId));

        vm.expectEmit(address(team));
        emit ITeamAccess.ProviderWhitelisted(teamId, sellerId, false);
        vm.prank(teamAdmin);
        team.setProviderWhitelisted(teamId, sellerId, false);
        assertFalse(team.isProviderAllowed(teamId, sellerId));
    }

    function test_IsProviderAllowed_WhitelistOffAllowsAll() public {
        vm.prank(teamAdmin);
        team.setProviderWhitelisted(teamId, sellerId, false);
        assertTrue(team.isProviderAllowed(teamId, sellerId));
        assertTrue(team.isProviderAllowed(teamId, UNKNOWN));
    }

    /* SPENDING CAP */

    function test_SetSpendingCap() public {
        vm.expectEmit(address(team));
        emit ITeamAccess.SpendingCapSet(teamId, 100e6);
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, 100e6);
        assertEq(team.spendingCap(teamId), 100e6);
    }

    /* RECORD SPEND */

    function test_RecordSpend_UserAndAdmin() public {
        vm.expectEmit(address(team));
        emit ITeamAccess.TeamSpendRecorded(teamId, teamUser, 7, 10e6, uint40(T0), 10e6);
        _recordSpend(teamUser, 7, 10e6);

        vm.warp(T0 + 1 days);
        vm.expectEmit(address(team));
        emit ITeamAccess.TeamSpendRecorded(teamId, teamAdmin, 8, 5e6, uint40(T0), 15e6);
        _recordSpend(teamAdmin, 8, 5e6);

        _assertTeamState(teamId, 1, false, uint40(T0), 15e6);
    }

    function test_RevertWhen_RecordSpendCallerNotMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ITeamAccess.TeamAccess_OnlyMarket.selector, teamAdmin));
        vm.prank(teamAdmin);
        team.recordSpend(teamId, teamAdmin, 1, 1e6);
    }

    function test_RevertWhen_RecordSpendUserIsViewer() public {
        _expectNotSubmitter(teamViewer, TeamRole.Viewer);
        _recordSpend(teamViewer, 1, 1e6);
    }

    function test_RevertWhen_RecordSpendUserHasNoRole() public {
        _expectNotSubmitter(stranger, TeamRole.None);
        _recordSpend(stranger, 1, 1e6);
    }

    function test_RecordSpend_UpToCap() public {
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, 100e6);
        _recordSpend(teamUser, 1, 60e6);
        _recordSpend(teamUser, 2, 40e6); // exactly the cap

        _assertTeamState(teamId, 1, false, uint40(T0), 100e6);
    }

    function test_RevertWhen_SpendExceedsCap() public {
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, 100e6);
        _recordSpend(teamUser, 1, 60e6);

        _expectCapExceeded(60e6, 40e6 + 1, 100e6);
        _recordSpend(teamUser, 2, 40e6 + 1);
    }

    function test_RecordSpend_WindowOpensAtFirstSpendAndResets() public {
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, 100e6);
        uint40 opened = uint40(T0 + 5 days);
        vm.warp(opened);
        _recordSpend(teamUser, 1, 90e6);

        vm.warp(opened + team.SPEND_WINDOW() - 1);
        _expectCapExceeded(90e6, 20e6, 100e6);
        _recordSpend(teamUser, 2, 20e6);

        vm.warp(opened + team.SPEND_WINDOW());
        vm.expectEmit(address(team));
        emit ITeamAccess.TeamSpendRecorded(teamId, teamUser, 2, 20e6, opened + 30 days, 20e6);
        _recordSpend(teamUser, 2, 20e6);
        _assertTeamState(teamId, 1, false, opened + 30 days, 20e6);
    }

    function test_SpendWindowIsThirtyDays() public view {
        assertEq(team.SPEND_WINDOW(), 30 days);
    }

    /* UNKNOWN TEAM */

    function test_RevertGiven_UnknownTeam() public {
        vm.startPrank(teamAdmin);
        _expectUnknownTeam();
        team.setRole(UNKNOWN, stranger, TeamRole.User);
        _expectUnknownTeam();
        team.setWhitelistEnabled(UNKNOWN, true);
        _expectUnknownTeam();
        team.setProviderWhitelisted(UNKNOWN, sellerId, true);
        _expectUnknownTeam();
        team.setSpendingCap(UNKNOWN, 1);
        vm.stopPrank();

        _expectUnknownTeam();
        _recordSpendFor(UNKNOWN, teamUser, 1, 1e6);
        _expectUnknownTeam();
        team.teamState(UNKNOWN);
    }

    function test_RoleOfUnknownTeamIsNone() public view {
        assertEq(uint8(team.roleOf(UNKNOWN, teamAdmin)), uint8(TeamRole.None));
        assertEq(uint8(team.roleOf(teamId, teamViewer)), uint8(TeamRole.Viewer));
    }

    /* THROUGH THE MARKET */

    function test_RevertWhen_ViewerRequestsTeamJob() public {
        _expectNotSubmitter(teamViewer, TeamRole.Viewer);
        _requestTeamJob(teamViewer);
    }

    function test_TeamJob_RecordsSpend() public {
        uint256 jobId = _requestTeamJob(teamUser);
        assertEq(market.getJob(jobId).teamId, teamId);
        _assertTeamState(teamId, 1, false, uint40(T0), TEAM_DEPOSIT);
    }

    function test_RevertWhen_TeamJobExceedsCap() public {
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, 30e6);
        _requestTeamJob(teamUser);

        _expectCapExceeded(TEAM_DEPOSIT, TEAM_DEPOSIT, 30e6);
        _requestTeamJob(teamAdmin);
    }

    function test_Whitelist_GatesRouting() public {
        vm.prank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);
        uint256 jobId = _requestTeamJob(teamUser);

        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_ProviderNotWhitelisted.selector, teamId, sellerId)
        );
        routeTo(jobId, fixedOffer, 2_000_000);

        vm.prank(teamAdmin);
        team.setProviderWhitelisted(teamId, sellerId, true);
        routeTo(jobId, fixedOffer, 2_000_000);
        assertEq(uint8(market.getJob(jobId).status), uint8(JobStatus.Routed));
        assertEq(market.getJob(jobId).offerId, fixedOffer);
    }

    /* HELPERS */

    function _requestTeamJob(address user) internal returns (uint256) {
        JobRequest memory r = trackedRequest(2, 4, 3_000_000);
        r.teamId = teamId;
        vm.prank(user);
        return market.requestJob(r);
    }

    function _recordSpend(address user, uint256 jobId, uint256 amount) internal {
        _recordSpendFor(teamId, user, jobId, amount);
    }

    function _recordSpendFor(uint32 id, address user, uint256 jobId, uint256 amount) internal {
        vm.prank(address(market));
        team.recordSpend(id, user, jobId, amount);
    }

    function _assertTeamState(uint32 id, uint32 admins, bool whitelist, uint40 windowStart, uint256 spent)
        internal
        view
    {
        (uint32 adminCount, bool whitelistEnabled, uint40 start, uint256 spentInWindow) = team.teamState(id);
        assertEq(adminCount, admins, "adminCount");
        assertEq(whitelistEnabled, whitelist, "whitelistEnabled");
        assertEq(start, windowStart, "windowStart");
        assertEq(spentInWindow, spent, "spentInWindow");
    }

    function _expectNotAdmin(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(ITeamAccess.TeamAccess_NotAdmin.selector, teamId, caller));
    }

    function _expectNotSubmitter(address account, TeamRole role) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ITeamAccess.TeamAccess_NotSubmitter.selector, teamId, account, role)
        );
    }

    function _expectCapExceeded(uint256 spent, uint256 amount, uint256 cap) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamAccess.TeamAccess_SpendingCapExceeded.selector, teamId, spent, amount, cap
            )
        );
    }

    function _expectUnknownTeam() internal {
        vm.expectRevert(abi.encodeWithSelector(ITeamAccess.TeamAccess_UnknownTeam.selector, UNKNOWN));
    }
}
