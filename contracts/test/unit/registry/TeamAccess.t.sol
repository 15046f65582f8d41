// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {NectoFixture} from "../../utils/NectoFixture.sol";
import {ITeamAccess, TeamRole} from "../../../src/interfaces/ITeamAccess.sol";
import {IJobRegistry, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// @notice TeamAccess, the teams' policy, on its own and as the market reads it. The treasury and
/// the spend window are the market's (TeamTreasury.t.sol).
/// Fixture: team 1 with teamAdmin (Admin), teamUser (User), teamViewer (Viewer).
contract TeamAccessTest is NectoFixture {
    uint32 internal constant UNKNOWN = 99;

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
        _assertTeamState(id, 1, false);
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
        _assertTeamState(teamId, 2, false);
    }

    function test_SetRole_RevokesAdmin() public {
        vm.startPrank(teamAdmin);
        team.setRole(teamId, stranger, TeamRole.Admin);
        vm.expectEmit(address(team));
        emit ITeamAccess.TeamRoleSet(teamId, stranger, TeamRole.None, teamAdmin);
        team.setRole(teamId, stranger, TeamRole.None);
        vm.stopPrank();

        assertEq(uint8(team.roleOf(teamId, stranger)), uint8(TeamRole.None));
        _assertTeamState(teamId, 1, false);
    }

    function test_SetRole_RevokesUserAndViewer() public {
        vm.startPrank(teamAdmin);
        team.setRole(teamId, teamUser, TeamRole.None);
        team.setRole(teamId, teamViewer, TeamRole.None);
        vm.stopPrank();

        assertEq(uint8(team.roleOf(teamId, teamUser)), uint8(TeamRole.None));
        assertEq(uint8(team.roleOf(teamId, teamViewer)), uint8(TeamRole.None));
        _assertTeamState(teamId, 1, false);
    }

    function test_SetRole_SecondAdminMayRemoveFirst() public {
        vm.prank(teamAdmin);
        team.setRole(teamId, teamUser, TeamRole.Admin);
        vm.prank(teamUser);
        team.setRole(teamId, teamAdmin, TeamRole.Viewer);

        assertEq(uint8(team.roleOf(teamId, teamAdmin)), uint8(TeamRole.Viewer));
        _assertTeamState(teamId, 1, false);
        _expectNotAdmin(teamAdmin);
        vm.prank(teamAdmin);
        team.setRole(teamId, teamAdmin, TeamRole.Admin);
    }

    function test_SetRole_ReGrantingAdminKeepsCount() public {
        vm.prank(teamAdmin);
        team.setRole(teamId, teamAdmin, TeamRole.Admin);
        _assertTeamState(teamId, 1, false);
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

        _assertTeamState(teamId, 1, true);
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

    /* WHAT THE MARKET READS */

    function test_SubmitTerms_RoleAndCap() public {
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, 100e6);
        (TeamRole role, uint256 cap) = team.submitTerms(teamId, teamUser);
        assertEq(uint8(role), uint8(TeamRole.User), "role");
        assertEq(cap, 100e6, "cap");
        (role,) = team.submitTerms(teamId, stranger);
        assertEq(uint8(role), uint8(TeamRole.None), "no role");
    }

    function test_RouteTerms_SubmitterAndWhitelist() public {
        (bool active, bool allowed) = team.routeTerms(teamId, teamUser, sellerId);
        assertTrue(active && allowed, "user, whitelist off");
        (active,) = team.routeTerms(teamId, teamViewer, sellerId);
        assertFalse(active, "a Viewer does not submit");
        (active,) = team.routeTerms(teamId, teamAdmin, sellerId);
        assertTrue(active, "an Admin submits");

        vm.startPrank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);
        team.setRole(teamId, teamUser, TeamRole.Viewer);
        vm.stopPrank();
        (active, allowed) = team.routeTerms(teamId, teamUser, sellerId);
        assertFalse(active, "demoted to Viewer");
        assertFalse(allowed, "not whitelisted");
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
        team.submitTerms(UNKNOWN, teamUser);
        _expectUnknownTeam();
        team.teamState(UNKNOWN);
    }

    function test_RoleOfUnknownTeamIsNone() public view {
        assertEq(uint8(team.roleOf(UNKNOWN, teamAdmin)), uint8(TeamRole.None));
        assertEq(uint8(team.roleOf(teamId, teamViewer)), uint8(TeamRole.Viewer));
    }

    /* THROUGH THE MARKET */

    function test_Whitelist_GatesRouting() public {
        fundTeamTreasury();
        vm.prank(teamAdmin);
        team.setWhitelistEnabled(teamId, true);
        uint256 jobId = requestTeam();

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

    function _assertTeamState(uint32 id, uint32 admins, bool whitelist) internal view {
        (uint32 adminCount, bool whitelistEnabled) = team.teamState(id);
        assertEq(adminCount, admins, "adminCount");
        assertEq(whitelistEnabled, whitelist, "whitelistEnabled");
    }

    function _expectNotAdmin(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(ITeamAccess.TeamAccess_NotAdmin.selector, teamId, caller));
    }

    function _expectUnknownTeam() internal {
        vm.expectRevert(abi.encodeWithSelector(ITeamAccess.TeamAccess_UnknownTeam.selector, UNKNOWN));
    }
}
