// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

import {IJobRegistry} from "./IJobRegistry.sol";
import {IProviderRegistry} from "./IProviderRegistry.sol";
import {ITeamAccess} from "./ITeamAccess.sol";
import {ITeamTreasury} from "./ITeamTreasury.sol";

/// @title The whole NectoMarket as integrators (and the tests) call it.
/// @notice NectoMarket does not inherit this interface (its parts implement the sub-interfaces);
/// `npm test` checks that both have exactly the same functions and events.
interface INectoMarket is
    IJobRegistry,
    IProviderRegistry,
    ITeamTreasury,
    IAccessControlDefaultAdminRules,
    IERC5267
{
    error NectoMarket_NotSixDecimals(uint8 decimals);

    /// @return The settlement stablecoin (6 decimals).
    function usdc() external view returns (IERC20);

    /// @return The teams' policy contract.
    function teamAccess() external view returns (ITeamAccess);

    /// @return Whether the guardian has paused the market (see IJobRegistry).
    function paused() external view returns (bool);

    /// @return The protocol fee in basis points that the next route fixes.
    function protocolFeeBps() external view returns (uint16);

    /// @return The admin role (OpenZeppelin's zero role), held by `defaultAdmin()` only.
    function DEFAULT_ADMIN_ROLE() external view returns (bytes32);

    /// @return keccak256("KEEPER_ROLE"): route, reroute and markUnroutable.
    function KEEPER_ROLE() external view returns (bytes32);

    /// @return keccak256("GUARDIAN_ROLE"): pause and unpause.
    function GUARDIAN_ROLE() external view returns (bytes32);

    /// @return The delay a scheduled admin transfer waits before it can be accepted, at deployment.
    function INITIAL_ADMIN_DELAY() external view returns (uint48);

    /// @return The shortest start window a deployment accepts: 10 minutes.
    function MIN_START_WINDOW() external view returns (uint256);

    /// @return The longest start window a deployment accepts: 7 days.
    function MAX_START_WINDOW() external view returns (uint256);

    /// @return The shortest completion grace a deployment accepts: 10 minutes.
    function MIN_COMPLETION_GRACE() external view returns (uint256);

    /// @return The longest completion grace a deployment accepts: 30 days.
    function MAX_COMPLETION_GRACE() external view returns (uint256);

    /// @return The current admin (ERC-5313), the holder of DEFAULT_ADMIN_ROLE.
    function owner() external view returns (address);

    /// @param interfaceId An ERC-165 interface id.
    /// @return Whether the market implements it (IAccessControl, IAccessControlDefaultAdminRules, ERC-165).
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
}
