// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Script} from "forge-std/Script.sol";
import {VmSafe} from "forge-std/Vm.sol";

/// @notice What Deploy and Seed share: the local chain's defaults, the deployer key and the
/// deployments files.
abstract contract NectoScript is Script {
    uint256 internal constant LOCAL_CHAIN_ID = 31337;
    /// @dev anvil's default mnemonic: its accounts are public knowledge, so they are defaults on the
    /// local chain only.
    string internal constant ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

    function _isLocalChain() internal view returns (bool) {
        return block.chainid == LOCAL_CHAIN_ID;
    }

    /// @dev DEPLOYER_PRIVATE_KEY; anvil account 0 on the local chain, required everywhere else.
    function _deployerKey() internal view returns (uint256) {
        if (_envIsSet("DEPLOYER_PRIVATE_KEY")) return vm.envUint("DEPLOYER_PRIVATE_KEY");
        if (_isLocalChain()) return vm.deriveKey(ANVIL_MNEMONIC, 0);
        revert(
            string.concat(
                "DEPLOYER_PRIVATE_KEY is required on chain ",
                vm.toString(block.chainid),
                ": set it to the deployer's hex private key"
            )
        );
    }

    /// @dev An address variable, or `localDefault` on the local chain and `remoteDefault` elsewhere.
    function _envAddress(string memory name, address localDefault, address remoteDefault)
        internal
        view
        returns (address value)
    {
        value = _envIsSet(name) ? vm.envAddress(name) : (_isLocalChain() ? localDefault : remoteDefault);
        if (value == address(0)) revert(string.concat(name, " must not be the zero address"));
    }

    /// @dev A number of seconds from the environment within [min, max] (the market's own bounds,
    /// checked here so a bad value fails before anything is sent), or `defaultValue`.
    function _envSeconds(string memory name, uint256 defaultValue, uint256 min, uint256 max)
        internal
        view
        returns (uint256 value)
    {
        value = _envIsSet(name) ? vm.envUint(name) : defaultValue;
        if (value < min || value > max) {
            revert(
                string.concat(
                    name, " must be between ", vm.toString(min), " and ", vm.toString(max), " seconds"
                )
            );
        }
    }

    /// @dev Unset and empty are the same: CI systems often pass empty variables.
    function _envIsSet(string memory name) internal view returns (bool) {
        return bytes(vm.envOr(name, string(""))).length != 0;
    }

    /// @dev `<DEPLOYMENTS_DIR>/<chainId><suffix>`, DEPLOYMENTS_DIR defaulting to "deployments" (it
    /// must stay inside ./deployments, the only folder foundry.toml lets scripts write).
    function _deploymentsFile(string memory suffix) internal view returns (string memory) {
        return string.concat(_deploymentsDir(), "/", vm.toString(block.chainid), suffix);
    }

    function _deploymentsDir() internal view returns (string memory) {
        return vm.envOr("DEPLOYMENTS_DIR", string("deployments"));
    }

    /// @dev A dry run simulates the transactions only: writing its addresses would record contracts
    /// that do not exist.
    function _isBroadcasting() internal view returns (bool) {
        return
            vm.isContext(VmSafe.ForgeContext.ScriptBroadcast)
                || vm.isContext(VmSafe.ForgeContext.ScriptResume);
    }

    function _writeJson(string memory json, string memory path) internal {
        if (!_isBroadcasting()) return;
        vm.createDir(_deploymentsDir(), true);
        vm.writeJson(json, path);
    }
}
