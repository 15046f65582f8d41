// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";

import {IJobRegistry} from "./interfaces/IJobRegistry.sol";

/// @title Roles, the pause and the market's packed global state.
/// @notice DEFAULT_ADMIN_ROLE registers gateways, sets the fee and manages roles, and is handed
/// over in two steps: the admin schedules a transfer, the new admin accepts it once the delay has
/// passed (OpenZeppelin's AccessControlDefaultAdminRules). KEEPER_ROLE routes jobs; GUARDIAN_ROLE
/// pauses (see IJobRegistry for what a pause stops).
abstract contract MarketAccess is AccessControlDefaultAdminRules {
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice The initial delay before a scheduled admin transfer can be accepted.
    uint48 public constant INITIAL_ADMIN_DELAY = 2 days;

    /// @dev One slot, read by every request and route: job ids are 1-based, 0 means none.
    struct Globals {
        uint64 jobCount;
        bool paused;
        uint16 feeBps;
    }

    Globals internal _globals;

    constructor(address admin) AccessControlDefaultAdminRules(INITIAL_ADMIN_DELAY, admin) {}

    modifier whenNotPaused() {
        if (_globals.paused) revert IJobRegistry.JobRegistry_Paused();
        _;
    }

    function paused() external view returns (bool) {
        return _globals.paused;
    }

    function protocolFeeBps() external view returns (uint16) {
        return _globals.feeBps;
    }
}
