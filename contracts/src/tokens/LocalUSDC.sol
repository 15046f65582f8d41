// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title USDC for local chains and tests, with the behaviours of the real one that matter to an
/// escrow: 6 decimals, EIP-2612 permit, a blacklist (blacklisted accounts can neither send nor
/// receive) and a global pause. Anyone may mint up to FAUCET_CAP per call; the admin has no cap.
contract LocalUSDC is ERC20Permit {
    uint256 public constant FAUCET_CAP = 100_000e6;

    address public admin;
    bool public paused;
    mapping(address account => bool) public isBlacklisted;

    event Blacklisted(address indexed account, bool blacklisted);
    event PauseSet(bool paused);
    event AdminChanged(address indexed admin);

    error LocalUSDC_NotAdmin(address caller);
    error LocalUSDC_Paused();
    error LocalUSDC_Blacklisted(address account);
    error LocalUSDC_FaucetCapExceeded(uint256 amount, uint256 cap);

    constructor(address admin_) ERC20("USD Coin (local)", "USDC") ERC20Permit("USD Coin (local)") {
        admin = admin_;
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert LocalUSDC_NotAdmin(msg.sender);
        _;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Faucet: anyone, up to FAUCET_CAP per call; the admin, any amount.
    function mint(address to, uint256 amount) external {
        if (msg.sender != admin && amount > FAUCET_CAP) revert LocalUSDC_FaucetCapExceeded(amount, FAUCET_CAP);
        _mint(to, amount);
    }

    function setBlacklisted(address account, bool blacklisted) external onlyAdmin {
        isBlacklisted[account] = blacklisted;
        emit Blacklisted(account, blacklisted);
    }

    function setPaused(bool paused_) external onlyAdmin {
        paused = paused_;
        emit PauseSet(paused_);
    }

    function setAdmin(address admin_) external onlyAdmin {
        admin = admin_;
        emit AdminChanged(admin_);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (paused) revert LocalUSDC_Paused();
        if (isBlacklisted[from]) revert LocalUSDC_Blacklisted(from);
        if (isBlacklisted[to]) revert LocalUSDC_Blacklisted(to);
        super._update(from, to, value);
    }
}
