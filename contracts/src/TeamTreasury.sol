// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IJobRegistry} from "./interfaces/IJobRegistry.sol";
import {ITeamAccess} from "./interfaces/ITeamAccess.sol";
import {ITeamTreasury} from "./interfaces/ITeamTreasury.sol";
import {MarketAccess} from "./MarketAccess.sol";
import {TreasuryBook} from "./libraries/TreasuryBook.sol";

/// @title Team treasuries: the market's entry points to its TreasuryBook, which the job registry
/// draws on and credits back.
abstract contract TeamTreasury is ITeamTreasury, MarketAccess, ReentrancyGuardTransient {
    uint256 public constant SPEND_EPOCH = TreasuryBook.SPEND_EPOCH;

    IERC20 public immutable usdc;
    ITeamAccess public immutable teamAccess;

    mapping(uint32 teamId => TreasuryBook.TeamFunds) internal _teamFunds;

    constructor(IERC20 usdc_, ITeamAccess teamAccess_) {
        if (address(usdc_) == address(0) || address(teamAccess_) == address(0)) {
            revert IJobRegistry.JobRegistry_ZeroAddress();
        }
        usdc = usdc_;
        teamAccess = teamAccess_;
    }

    /// @inheritdoc ITeamTreasury
    function depositToTeam(uint32 teamId, uint256 amount) external whenNotPaused nonReentrant {
        TreasuryBook.deposit(_teamFunds, usdc, teamAccess, teamId, amount, _globals.jobCount + 1);
    }

    /// @inheritdoc ITeamTreasury
    function withdrawFromTeam(uint32 teamId, address to, uint256 amount) external nonReentrant {
        TreasuryBook.withdraw(_teamFunds, usdc, teamAccess, teamId, to, amount);
    }

    /// @inheritdoc ITeamTreasury
    function teamFunds(uint32 teamId)
        external
        view
        returns (uint256 balance, uint256 windowSpend, uint256 cap, uint256 spendable)
    {
        return TreasuryBook.fundsOf(_teamFunds, teamAccess, teamId);
    }
}
