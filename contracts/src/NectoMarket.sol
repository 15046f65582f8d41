// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {ITeamAccess} from "./interfaces/ITeamAccess.sol";
import {MarketAccess} from "./MarketAccess.sol";
import {JobRegistry} from "./JobRegistry.sol";

/// @title Necto market: the provider registry and the job registry with its USDC escrow, deployed
/// as one contract. TeamAccess is deployed beside it.
contract NectoMarket is JobRegistry {
    error NectoMarket_NotSixDecimals(uint8 decimals);

    /// @param admin Holds DEFAULT_ADMIN_ROLE (gateways, fee, roles).
    /// @param usdc_ The settlement stablecoin; must have 6 decimals.
    /// @param startWindow_ Seconds a provider has to start a routed job.
    /// @param completionGrace_ Seconds past the booked hours a provider has to report completion.
    constructor(
        address admin,
        IERC20 usdc_,
        ITeamAccess teamAccess_,
        uint256 startWindow_,
        uint256 completionGrace_
    ) MarketAccess(admin) JobRegistry(usdc_, teamAccess_, startWindow_, completionGrace_) {
        uint8 decimals = IERC20Metadata(address(usdc_)).decimals();
        if (decimals != 6) revert NectoMarket_NotSixDecimals(decimals);
    }
}
