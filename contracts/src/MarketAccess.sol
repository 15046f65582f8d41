// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Roles and the market's packed global counters.
/// @notice DEFAULT_ADMIN_ROLE registers gateways, sets the fee and manages roles; KEEPER_ROLE
/// routes jobs; GUARDIAN_ROLE pauses requests and routing.
abstract contract MarketAccess is AccessControl {
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @dev One slot, read by nearly every transaction: ids are 1-based, 0 means none.
    struct Globals {
        uint32 providerCount;
        uint32 offerCount;
        uint64 jobCount;
        bool paused;
        uint16 feeBps;
    }

    Globals internal _globals;

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function providerCount() external view returns (uint32) {
        return _globals.providerCount;
    }

    function offerCount() external view returns (uint32) {
        return _globals.offerCount;
    }

    function jobCount() external view returns (uint64) {
        return _globals.jobCount;
    }

    function paused() external view returns (bool) {
        return _globals.paused;
    }

    function protocolFeeBps() external view returns (uint16) {
        return _globals.feeBps;
    }
}
