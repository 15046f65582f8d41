// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {INectoMarket} from "../../src/interfaces/INectoMarket.sol";
import {ITeamAccess} from "../../src/interfaces/ITeamAccess.sol";

/// @notice Deploys NectoMarket from its artifact: the market is compiled through the IR pipeline
/// (foundry.toml) and the tests, which never import it, talk to it through INectoMarket.
abstract contract MarketDeployer is Test {
    string internal constant MARKET_ARTIFACT = "NectoMarket.sol:NectoMarket";

    function deployMarket(
        address admin,
        IERC20 token,
        ITeamAccess teams,
        uint256 startWindow,
        uint256 completionGrace
    ) internal returns (INectoMarket market) {
        bytes memory initCode = abi.encodePacked(
            vm.getCode(MARKET_ARTIFACT), abi.encode(admin, token, teams, startWindow, completionGrace)
        );
        // A plain CREATE, so that vm.expectRevert sees a constructor that reverts.
        assembly ("memory-safe") {
            market := create(0, add(initCode, 32), mload(initCode))
        }
        if (address(market) == address(0)) revert("NectoMarket constructor reverted");
    }
}
