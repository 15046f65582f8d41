// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {NectoFixture} from "../../utils/NectoFixture.sol";
import {LocalUSDC} from "../../../src/tokens/LocalUSDC.sol";
import {ITeamAccess, TeamRole} from "../../../src/interfaces/ITeamAccess.sol";
import {
    IProviderRegistry,
    Area,
    CapacityState,
    PricingModel
} from "../../../src/interfaces/IProviderRegistry.sol";
import {IJobRegistry, JobRequest} from "../../../src/interfaces/IJobRegistry.sol";
import {ITeamTreasury} from "../../../src/interfaces/ITeamTreasury.sol";

/// @notice Every privileged function of the system, as a table: one row per (function, authorized
/// caller). Every other account of the roster must be rejected with the row's error, naming that
/// account; then the authorized caller must succeed. Rows run from the same state (snapshots).
/// To cover a new privileged function, add a row in setUp.
contract AccessControlTest is NectoFixture {
    /// @dev How the row's error encodes the rejected caller: `err(caller)`, `err(arg, caller)` (an
    /// id, then the caller) or `err(caller, arg)` (OpenZeppelin's account, then the needed role).
    enum Shape {
        Caller,
        IdThenCaller,
        CallerThenRole
    }

    struct Row {
        string name;
        address target;
        bytes data;
        address authorized;
        bytes4 err;
        Shape shape;
        bytes32 arg;
    }

    Row[] internal rows;
    address[] internal roster;

    uint256 internal requestedJob;
    uint256 internal routedJob; // opted in to reroute
    uint256 internal startedJob;
    uint256 internal unroutableJob;
    uint256 internal untrackedJob;
    address internal newAdmin = makeAddr("newAdmin");

    function setUp() public override {
        super.setUp();
        _setUpJobs();
        address[15] memory accounts = [
            admin,
            keeper,
            guardian,
            treasury,
            seller,
            sellerPayout,
            gatewayOperator,
            buyer,
            jobKey,
            teamAdmin,
            teamUser,
            teamViewer,
            stranger,
            newAdmin,
            address(market)
        ];
        for (uint256 i; i < accounts.length; i++) {
            roster.push(accounts[i]);
        }

        address m = address(market);
        bytes32 adminRole = market.DEFAULT_ADMIN_ROLE();
        bytes32 keeperRole = market.KEEPER_ROLE();
        bytes32 guardianRole = market.GUARDIAN_ROLE();

        // Market roles.
        _role(
            "registerGateway",
            abi.encodeCall(IProviderRegistry.registerGateway, ("io.net", stranger, stranger, "")),
            admin,
            adminRole
        );
        _role(
            "setProtocolFee", abi.encodeCall(IJobRegistry.setProtocolFee, (100, treasury)), admin, adminRole
        );
        _role("grantRole", abi.encodeCall(IAccessControl.grantRole, (keeperRole, stranger)), admin, adminRole);
        _role("revokeRole", abi.encodeCall(IAccessControl.revokeRole, (keeperRole, keeper)), admin, adminRole);
        _role(
            "route",
            abi.encodeCall(IJobRegistry.route, (requestedJob, fixedOffer, 2e6, ROOT)),
            keeper,
            keeperRole
        );
        _role(
            "reroute",
            abi.encodeCall(IJobRegistry.reroute, (routedJob, dynamicOffer, 1_800_000, ROOT2)),
            keeper,
            keeperRole
        );
        _role(
            "markUnroutable",
            abi.encodeCall(IJobRegistry.markUnroutable, (requestedJob, ROOT)),
            keeper,
            keeperRole
        );
        _role(
            "beginDefaultAdminTransfer",
            abi.encodeCall(IAccessControlDefaultAdminRules.beginDefaultAdminTransfer, (stranger)),
            admin,
            adminRole
        );
        _role(
            "cancelDefaultAdminTransfer",
            abi.encodeCall(IAccessControlDefaultAdminRules.cancelDefaultAdminTransfer, ()),
            admin,
            adminRole
        );
        _role(
            "changeDefaultAdminDelay",
            abi.encodeCall(IAccessControlDefaultAdminRules.changeDefaultAdminDelay, (3 days)),
            admin,
            adminRole
        );
        _role(
            "rollbackDefaultAdminDelay",
            abi.encodeCall(IAccessControlDefaultAdminRules.rollbackDefaultAdminDelay, ()),
            admin,
            adminRole
        );
        // Only the scheduled new admin accepts, once the delay has passed (setUp schedules it).
        _callerRow(
            "acceptDefaultAdminTransfer",
            m,
            abi.encodeCall(IAccessControlDefaultAdminRules.acceptDefaultAdminTransfer, ()),
            newAdmin,
            IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector
        );
        _role("pause", abi.encodeCall(IJobRegistry.pause, ()), guardian, guardianRole);
        _role("unpause", abi.encodeCall(IJobRegistry.unpause, ()), guardian, guardianRole);

        // Provider owners.
        bytes4 notOwner = IProviderRegistry.ProviderRegistry_NotProviderOwner.selector;
        _row(
            "updateProvider",
            m,
            abi.encodeCall(IProviderRegistry.updateProvider, (sellerId, stranger, "")),
            seller,
            notOwner,
            sellerId
        );
        _row(
            "addOffer (seller)",
            m,
            abi.encodeCall(
                IProviderRegistry.addOffer, (sellerId, offerParams(PricingModel.Fixed, 2, "DE", Area.EU, 1e6))
            ),
            seller,
            notOwner,
            sellerId
        );
        _row(
            "addOffer (gateway)",
            m,
            abi.encodeCall(
                IProviderRegistry.addOffer, (gatewayId, offerParams(PricingModel.Spot, 2, "DE", Area.EU, 1e6))
            ),
            gatewayOperator,
            notOwner,
            gatewayId
        );
        _row(
            "setPricing",
            m,
            abi.encodeCall(
                IProviderRegistry.setPricing, (fixedOffer, PricingModel.Fixed, 3e6, 0, bytes32(0), 0)
            ),
            seller,
            notOwner,
            sellerId
        );
        _row(
            "setPricing (gateway)",
            m,
            abi.encodeCall(
                IProviderRegistry.setPricing, (gatewayOffer, PricingModel.Spot, 1, 0, bytes32(0), 0)
            ),
            gatewayOperator,
            notOwner,
            gatewayId
        );
        _row(
            "setCapacity",
            m,
            abi.encodeCall(IProviderRegistry.setCapacity, (fixedOffer, CapacityState.Offline, 8)),
            seller,
            notOwner,
            sellerId
        );
        _row(
            "setAvailability",
            m,
            abi.encodeCall(IProviderRegistry.setAvailability, (fixedOffer, 0, uint40(T0 + 30 days))),
            seller,
            notOwner,
            sellerId
        );

        // The routed job's provider.
        bytes4 notJobProvider = IJobRegistry.JobRegistry_NotJobProvider.selector;
        _row(
            "startJob",
            m,
            abi.encodeCall(IJobRegistry.startJob, (routedJob)),
            seller,
            notJobProvider,
            routedJob
        );
        _row(
            "completeJob",
            m,
            abi.encodeCall(IJobRegistry.completeJob, (startedJob, 1 hours)),
            seller,
            notJobProvider,
            startedJob
        );

        // The job's controller: the buyer (Tracked) or the job key (Untracked).
        bytes4 notController = IJobRegistry.JobRegistry_NotController.selector;
        _row(
            "cancel",
            m,
            abi.encodeCall(IJobRegistry.cancel, (requestedJob)),
            buyer,
            notController,
            requestedJob
        );
        _row(
            "cancel (untracked)",
            m,
            abi.encodeCall(IJobRegistry.cancel, (untrackedJob)),
            jobKey,
            notController,
            untrackedJob
        );
        _row(
            "claimRefund",
            m,
            abi.encodeCall(IJobRegistry.claimRefund, (unroutableJob)),
            buyer,
            notController,
            unroutableJob
        );

        // Team admins: the policy in TeamAccess, the treasury in the market.
        address t = address(team);
        bytes4 notAdmin = ITeamAccess.TeamAccess_NotAdmin.selector;
        _row(
            "setRole",
            t,
            abi.encodeCall(ITeamAccess.setRole, (teamId, stranger, TeamRole.User)),
            teamAdmin,
            notAdmin,
            teamId
        );
        _row(
            "setWhitelistEnabled",
            t,
            abi.encodeCall(ITeamAccess.setWhitelistEnabled, (teamId, true)),
            teamAdmin,
            notAdmin,
            teamId
        );
        _row(
            "setProviderWhitelisted",
            t,
            abi.encodeCall(ITeamAccess.setProviderWhitelisted, (teamId, sellerId, true)),
            teamAdmin,
            notAdmin,
            teamId
        );
        _row(
            "setSpendingCap",
            t,
            abi.encodeCall(ITeamAccess.setSpendingCap, (teamId, 1e6)),
            teamAdmin,
            notAdmin,
            teamId
        );
        _row(
            "withdrawFromTeam",
            m,
            abi.encodeCall(ITeamTreasury.withdrawFromTeam, (teamId, stranger, 1e6)),
            teamAdmin,
            ITeamTreasury.TeamTreasury_NotAdmin.selector,
            teamId
        );

        // The USDC admin.
        address u = address(usdc);
        bytes4 usdcNotAdmin = LocalUSDC.LocalUSDC_NotAdmin.selector;
        _callerRow(
            "setBlacklisted",
            u,
            abi.encodeCall(LocalUSDC.setBlacklisted, (stranger, true)),
            admin,
            usdcNotAdmin
        );
        _callerRow("setPaused", u, abi.encodeCall(LocalUSDC.setPaused, (true)), admin, usdcNotAdmin);
        _callerRow("setAdmin", u, abi.encodeCall(LocalUSDC.setAdmin, (stranger)), admin, usdcNotAdmin);
    }

    function test_PrivilegedFunctions_OnlyAuthorizedCallerSucceeds() public {
        for (uint256 i; i < rows.length; i++) {
            Row memory row = rows[i];
            uint256 snapshot = vm.snapshotState();
            uint256 rejected;
            for (uint256 j; j < roster.length; j++) {
                address caller = roster[j];
                if (caller == row.authorized) continue;
                vm.prank(caller);
                (bool ok, bytes memory ret) = row.target.call(row.data);
                assertFalse(ok, string.concat(row.name, ": accepted ", vm.toString(caller)));
                assertEq(ret, _expectedRevert(row, caller), string.concat(row.name, ": wrong error"));
                rejected++;
            }
            assertEq(
                rejected, roster.length - 1, string.concat(row.name, ": authorized caller not in roster")
            );

            vm.prank(row.authorized);
            (bool success, bytes memory data) = row.target.call(row.data);
            assertTrue(success, string.concat(row.name, ": authorized caller reverted ", vm.toString(data)));
            vm.revertToState(snapshot);
        }
    }

    /// @dev The privileged surface, listed by hand: a function added here without a row fails.
    function test_Table_CoversEveryPrivilegedFunction() public view {
        bytes4[31] memory privileged = [
            IProviderRegistry.registerGateway.selector,
            IJobRegistry.setProtocolFee.selector,
            IAccessControl.grantRole.selector,
            IAccessControl.revokeRole.selector,
            IJobRegistry.route.selector,
            IJobRegistry.reroute.selector,
            IJobRegistry.markUnroutable.selector,
            IAccessControlDefaultAdminRules.beginDefaultAdminTransfer.selector,
            IAccessControlDefaultAdminRules.cancelDefaultAdminTransfer.selector,
            IAccessControlDefaultAdminRules.changeDefaultAdminDelay.selector,
            IAccessControlDefaultAdminRules.rollbackDefaultAdminDelay.selector,
            IAccessControlDefaultAdminRules.acceptDefaultAdminTransfer.selector,
            IJobRegistry.pause.selector,
            IJobRegistry.unpause.selector,
            IProviderRegistry.updateProvider.selector,
            IProviderRegistry.addOffer.selector,
            IProviderRegistry.setPricing.selector,
            IProviderRegistry.setCapacity.selector,
            IProviderRegistry.setAvailability.selector,
            IJobRegistry.startJob.selector,
            IJobRegistry.completeJob.selector,
            IJobRegistry.cancel.selector,
            IJobRegistry.claimRefund.selector,
            ITeamAccess.setRole.selector,
            ITeamAccess.setWhitelistEnabled.selector,
            ITeamAccess.setProviderWhitelisted.selector,
            ITeamAccess.setSpendingCap.selector,
            ITeamTreasury.withdrawFromTeam.selector,
            LocalUSDC.setBlacklisted.selector,
            LocalUSDC.setPaused.selector,
            LocalUSDC.setAdmin.selector
        ];
        for (uint256 i; i < privileged.length; i++) {
            bool found;
            for (uint256 j; j < rows.length && !found; j++) {
                found = bytes4(rows[j].data) == privileged[i];
            }
            assertTrue(found, string.concat("no row for ", vm.toString(abi.encodePacked(privileged[i]))));
        }
    }

    /* TABLE */

    function _role(string memory name, bytes memory data, address authorized, bytes32 role) internal {
        rows.push(
            Row(
                name,
                address(market),
                data,
                authorized,
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                Shape.CallerThenRole,
                role
            )
        );
    }

    function _row(
        string memory name,
        address target,
        bytes memory data,
        address authorized,
        bytes4 err,
        uint256 id
    ) internal {
        rows.push(Row(name, target, data, authorized, err, Shape.IdThenCaller, bytes32(id)));
    }

    function _callerRow(string memory name, address target, bytes memory data, address authorized, bytes4 err)
        internal
    {
        rows.push(Row(name, target, data, authorized, err, Shape.Caller, bytes32(0)));
    }

    function _expectedRevert(Row memory row, address caller) internal pure returns (bytes memory) {
        if (row.shape == Shape.Caller) return abi.encodeWithSelector(row.err, caller);
        if (row.shape == Shape.IdThenCaller) return abi.encodeWithSelector(row.err, row.arg, caller);
        return abi.encodeWithSelector(row.err, caller, row.arg);
    }

    /// @dev One job per state a privileged function acts on (the fixed offer then has 4 GPUs in
    /// use), a funded team treasury, and an admin transfer to `newAdmin` ready to be accepted.
    function _setUpJobs() internal {
        fundTeamTreasury();
        vm.prank(admin);
        market.beginDefaultAdminTransfer(newAdmin);
        vm.warp(block.timestamp + market.INITIAL_ADMIN_DELAY() + 1);
        requestedJob = requestTracked();
        untrackedJob = requestUntracked();

        JobRequest memory r = trackedRequest(2, 4, 3_000_000);
        r.rerouteOptIn = true;
        vm.prank(buyer);
        routedJob = market.requestJob(r);
        routeTo(routedJob, fixedOffer, 2_000_000);

        startedJob = requestTracked();
        routeTo(startedJob, fixedOffer, 2_000_000);
        startAs(startedJob, seller);

        unroutableJob = requestTracked();
        vm.prank(keeper);
        market.markUnroutable(unroutableJob, ROOT);

        vm.warp(block.timestamp + 1 hours);
    }
}
