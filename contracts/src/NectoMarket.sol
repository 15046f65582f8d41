// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {ITeamAccess} from "./interfaces/ITeamAccess.sol";
import {MarketAccess} from "./MarketAccess.sol";
import {JobRegistry} from "./JobRegistry.sol";

/// @title Necto market: the provider registry, the job registry with its USDC escrow and the team
/// treasuries, deployed as one contract (its listing operations run in the linked OfferBook
/// library). TeamAccess, the teams' policy, is deployed beside it.
contract NectoMarket is JobRegistry {
    error NectoMarket_NotSixDecimals(uint8 decimals);

    /// @param admin Holds DEFAULT_ADMIN_ROLE (gateways, fee, roles), transferable in two steps.
    /// @param usdc_ The settlement stablecoin; must have 6 decimals.
    /// @param teamAccess_ The teams' policy (roles, whitelist, cap).
    /// @param startWindow_ Seconds a provider has to start a routed job once its review window has
    /// passed, between MIN_START_WINDOW (10 minutes) and MAX_START_WINDOW (7 days).
    /// @param completionGrace_ Seconds past the booked hours a provider has to report completion,
    /// between MIN_COMPLETION_GRACE (10 minutes) and MAX_COMPLETION_GRACE (30 days).
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
