// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {console2} from "forge-std/console2.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {NectoMarket} from "../contracts/src/NectoMarket.sol";
import {TeamAccess} from "../contracts/src/TeamAccess.sol";
import {LocalUSDC} from "../contracts/src/tokens/LocalUSDC.sol";
import {INectoMarket} from "../contracts/src/interfaces/INectoMarket.sol";
import {NectoScript} from "./NectoScript.sol";

/// @title Deploys the Necto contracts to any EVM chain and records them in deployments/<chainId>.json.
/// @notice Environment (unset or empty = default):
///   DEPLOYER_PRIVATE_KEY  admin of the market (and of LocalUSDC); anvil account 0 locally, required elsewhere
///   USDC_ADDRESS          an existing 6-decimal USDC; unset deploys LocalUSDC (faucet, permit)
///   KEEPER_ADDRESS        granted KEEPER_ROLE; anvil account 1 locally, the deployer elsewhere
///   GUARDIAN_ADDRESS      granted GUARDIAN_ROLE; anvil account 2 locally, the deployer elsewhere
///   START_WINDOW          seconds a provider has to start a routed job once its review window has
///                         passed (default 2 hours; 10 minutes to 7 days)
///   COMPLETION_GRACE      seconds past the booked hours to report completion (default 1 day;
///                         10 minutes to 30 days)
/// forge deploys the market's OfferBook and TreasuryBook libraries first and links them. This
/// script imports NectoMarket, so it is compiled through the IR pipeline as the market is.
/// Usage: see script/README.md.
contract Deploy is NectoScript {
    struct Config {
        uint256 deployerKey;
        address deployer;
        address existingUsdc;
        address keeper;
        address guardian;
        uint256 startWindow;
        uint256 completionGrace;
    }

    struct Deployment {
        INectoMarket market;
        TeamAccess teamAccess;
        address usdc;
        bool usdcIsLocal;
        uint256 startBlock;
    }

    function run() external {
        Config memory cfg = config();
        Deployment memory d;
        // The first transaction cannot land before the next block: a safe start for the indexer.
        d.startBlock = block.number + 1;

        vm.startBroadcast(cfg.deployerKey);
        d.usdcIsLocal = cfg.existingUsdc == address(0);
        d.usdc = d.usdcIsLocal ? address(new LocalUSDC(cfg.deployer)) : cfg.existingUsdc;

        d.teamAccess = new TeamAccess();
        d.market = INectoMarket(
            address(
                new NectoMarket(
                    cfg.deployer, IERC20(d.usdc), d.teamAccess, cfg.startWindow, cfg.completionGrace
                )
            )
        );

        d.market.grantRole(d.market.KEEPER_ROLE(), cfg.keeper);
        d.market.grantRole(d.market.GUARDIAN_ROLE(), cfg.guardian);
        vm.stopBroadcast();

        _record(cfg, d);
    }

    /// @notice The configuration read from the environment, validated before anything is sent.
    function config() public view returns (Config memory cfg) {
        cfg.deployerKey = _deployerKey();
        cfg.deployer = vm.addr(cfg.deployerKey);
        cfg.existingUsdc = _envIsSet("USDC_ADDRESS") ? vm.envAddress("USDC_ADDRESS") : address(0);
        if (cfg.existingUsdc != address(0)) _checkUsdc(cfg.existingUsdc);
        cfg.keeper = _envAddress("KEEPER_ADDRESS", vm.addr(vm.deriveKey(ANVIL_MNEMONIC, 1)), cfg.deployer);
        cfg.guardian = _envAddress("GUARDIAN_ADDRESS", vm.addr(vm.deriveKey(ANVIL_MNEMONIC, 2)), cfg.deployer);
        cfg.startWindow = _envSeconds("START_WINDOW", 2 hours, 10 minutes, 7 days);
        cfg.completionGrace = _envSeconds("COMPLETION_GRACE", 1 days, 10 minutes, 30 days);
    }

    function _checkUsdc(address usdc) private view {
        string memory where =
            string.concat("USDC_ADDRESS ", vm.toString(usdc), " on chain ", vm.toString(block.chainid));
        if (usdc.code.length == 0) revert(string.concat(where, " has no code"));
        try IERC20Metadata(usdc).decimals() returns (uint8 decimals) {
            if (decimals != 6) {
                revert(string.concat(where, " has ", vm.toString(decimals), " decimals; Necto needs 6"));
            }
        } catch {
            revert(string.concat(where, " is not an ERC-20 (decimals() failed)"));
        }
    }

    function _record(Config memory cfg, Deployment memory d) private {
        string memory contracts = "contracts";
        vm.serializeAddress(contracts, "NectoMarket", address(d.market));
        vm.serializeAddress(contracts, "TeamAccess", address(d.teamAccess));
        contracts = vm.serializeAddress(contracts, "USDC", d.usdc);

        string memory json = "deployment";
        vm.serializeUint(json, "chainId", block.chainid);
        vm.serializeUint(json, "startBlock", d.startBlock);
        vm.serializeString(json, "contracts", contracts);
        vm.serializeBool(json, "usdcIsLocal", d.usdcIsLocal);
        vm.serializeAddress(json, "deployer", cfg.deployer);
        vm.serializeAddress(json, "keeper", cfg.keeper);
        vm.serializeAddress(json, "guardian", cfg.guardian);
        vm.serializeUint(json, "startWindow", cfg.startWindow);
        json = vm.serializeUint(json, "completionGrace", cfg.completionGrace);

        string memory path = _deploymentsFile(".json");
        _writeJson(json, path);

        console2.log("NectoMarket ", address(d.market));
        console2.log("TeamAccess  ", address(d.teamAccess));
        console2.log(d.usdcIsLocal ? "LocalUSDC   " : "USDC        ", d.usdc);
        console2.log("keeper      ", cfg.keeper);
        console2.log("guardian    ", cfg.guardian);
        console2.log("start block ", d.startBlock);
        console2.log(_isBroadcasting() ? string.concat("Wrote ", path) : "Dry run: nothing written");
    }
}
