// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {MarketDeployer} from "../../utils/MarketDeployer.sol";
import {TeamAccess} from "../../../src/TeamAccess.sol";
import {LocalUSDC} from "../../../src/tokens/LocalUSDC.sol";
import {INectoMarket} from "../../../src/interfaces/INectoMarket.sol";
import {IJobRegistry} from "../../../src/interfaces/IJobRegistry.sol";
import {ITeamAccess} from "../../../src/interfaces/ITeamAccess.sol";

/// NectoMarket's constructor
/// ├── when the admin, the token or TeamAccess is the zero address: reverts
/// ├── when the start window or the completion grace is outside its bounds: reverts with the bounds
/// └── otherwise (at each bound): deployed with the parameters, the admin holding the role with the
///     initial transfer delay
contract DeploymentTest is MarketDeployer {
    address internal admin = makeAddr("admin");
    IERC20 internal token;
    ITeamAccess internal teams;

    function setUp() external {
        token = IERC20(address(new LocalUSDC(admin)));
        teams = ITeamAccess(address(new TeamAccess()));
    }

    function test_RevertWhen_AdminZero() external {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, address(0)
            )
        );
        deployMarket(address(0), token, teams, 2 hours, 1 days);
    }

    function test_RevertWhen_TokenOrTeamAccessZero() external {
        vm.expectRevert(IJobRegistry.JobRegistry_ZeroAddress.selector);
        deployMarket(admin, IERC20(address(0)), teams, 2 hours, 1 days);
        vm.expectRevert(IJobRegistry.JobRegistry_ZeroAddress.selector);
        deployMarket(admin, token, ITeamAccess(address(0)), 2 hours, 1 days);
    }

    function testFuzz_RevertWhen_StartWindowOutOfBounds(uint256 startWindow) external {
        vm.assume(startWindow < 10 minutes || startWindow > 7 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_StartWindowOutOfRange.selector, startWindow, 10 minutes, 7 days
            )
        );
        deployMarket(admin, token, teams, startWindow, 1 days);
    }

    function testFuzz_RevertWhen_CompletionGraceOutOfBounds(uint256 grace) external {
        vm.assume(grace < 10 minutes || grace > 30 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_CompletionGraceOutOfRange.selector, grace, 10 minutes, 30 days
            )
        );
        deployMarket(admin, token, teams, 2 hours, grace);
    }

    function test_DeploysAtTheBounds() external {
        INectoMarket low = deployMarket(admin, token, teams, 10 minutes, 10 minutes);
        INectoMarket high = deployMarket(admin, token, teams, 7 days, 30 days);
        assertEq(low.startWindow(), 10 minutes, "min start window");
        assertEq(low.completionGrace(), 10 minutes, "min grace");
        assertEq(high.startWindow(), 7 days, "max start window");
        assertEq(high.completionGrace(), 30 days, "max grace");
        assertEq(high.defaultAdmin(), admin, "admin");
        assertEq(high.owner(), admin, "ERC-5313 owner");
        assertEq(high.defaultAdminDelay(), high.INITIAL_ADMIN_DELAY(), "two-step transfer delay");
        assertEq(address(high.usdc()), address(token), "token");
        assertEq(address(high.teamAccess()), address(teams), "team access");
        assertEq(high.MAX_REVIEW_SECONDS(), 1 hours, "review window limit");
    }
}
