// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title USDC for local chains and tests, with the behaviours of the real one that matter to an
/// escrow: 6 decimals, EIP-2612 permit, a blacklist (blacklisted accounts can neither send,
/// receive nor approve) and a global pause of transfers and approvals. Like FiatToken v2.2, the
/// blacklist flag lives in the top bit of the balance slot and the pause flag beside the admin, so
/// its gas profile matches the real token. Anyone may mint up to FAUCET_CAP per call; the admin
/// has no cap.
contract LocalUSDC is IERC20Metadata, IERC20Permit, IERC20Errors, EIP712, Nonces {
    uint256 public constant FAUCET_CAP = 100_000e6;
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    uint256 private constant BLACKLIST_BIT = 1 << 255;
    /// @notice Supply stays below the blacklist bit, so no balance can ever reach it.
    uint256 public constant MAX_SUPPLY = BLACKLIST_BIT - 1;

    address public admin;
    bool public paused;
    uint256 public totalSupply;
    mapping(address account => uint256) private _balanceAndBlacklist;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    event Blacklisted(address indexed account, bool blacklisted);
    event PauseSet(bool paused);
    event AdminChanged(address indexed admin);

    error LocalUSDC_NotAdmin(address caller);
    error LocalUSDC_Paused();
    error LocalUSDC_Blacklisted(address account);
    error LocalUSDC_FaucetCapExceeded(uint256 amount, uint256 cap);
    error LocalUSDC_SupplyCapExceeded(uint256 totalSupply, uint256 amount);
    error ERC2612ExpiredSignature(uint256 deadline);
    error ERC2612InvalidSigner(address signer, address owner);

    constructor(address admin_) EIP712("USD Coin (local)", "2") {
        admin = admin_;
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert LocalUSDC_NotAdmin(msg.sender);
        _;
    }

    modifier whenNotPaused() {
        if (paused) revert LocalUSDC_Paused();
        _;
    }

    /* METADATA */

    function name() external pure returns (string memory) {
        return "USD Coin (local)";
    }

    function symbol() external pure returns (string memory) {
        return "USDC";
    }

    function decimals() external pure returns (uint8) {
        return 6;
    }

    function balanceOf(address account) public view returns (uint256) {
        return _balanceAndBlacklist[account] & ~BLACKLIST_BIT;
    }

    function isBlacklisted(address account) public view returns (bool) {
        return _balanceAndBlacklist[account] & BLACKLIST_BIT != 0;
    }

    /* ERC-20 */

    function transfer(address to, uint256 value) external whenNotPaused returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external whenNotPaused returns (bool) {
        _checkNotBlacklisted(msg.sender);
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert ERC20InsufficientAllowance(msg.sender, allowed, value);
            allowance[from][msg.sender] = allowed - value;
        }
        _transfer(from, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external whenNotPaused returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    /// @inheritdoc IERC20Permit
    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), v, r, s);
        if (signer != owner) revert ERC2612InvalidSigner(signer, owner);
        _approve(owner, spender, value);
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IERC20Permit
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /* ADMIN AND FAUCET */

    /// @notice Faucet: anyone, up to FAUCET_CAP per call; the admin, any amount.
    function mint(address to, uint256 amount) external whenNotPaused {
        if (msg.sender != admin && amount > FAUCET_CAP) {
            revert LocalUSDC_FaucetCapExceeded(amount, FAUCET_CAP);
        }
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        _checkNotBlacklisted(to);
        if (amount > MAX_SUPPLY - totalSupply) revert LocalUSDC_SupplyCapExceeded(totalSupply, amount);
        totalSupply += amount;
        _balanceAndBlacklist[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function setBlacklisted(address account, bool blacklisted) external onlyAdmin {
        uint256 slot = _balanceAndBlacklist[account];
        _balanceAndBlacklist[account] = blacklisted ? slot | BLACKLIST_BIT : slot & ~BLACKLIST_BIT;
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

    /* INTERNAL */

    function _transfer(address from, address to, uint256 value) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        uint256 fromSlot = _balanceAndBlacklist[from];
        if (fromSlot & BLACKLIST_BIT != 0) revert LocalUSDC_Blacklisted(from);
        if (fromSlot < value) revert ERC20InsufficientBalance(from, fromSlot, value);
        uint256 toSlot = _balanceAndBlacklist[to];
        if (toSlot & BLACKLIST_BIT != 0) revert LocalUSDC_Blacklisted(to);
        _balanceAndBlacklist[from] = fromSlot - value;
        _balanceAndBlacklist[to] = (from == to ? fromSlot - value : toSlot) + value;
        emit Transfer(from, to, value);
    }

    function _approve(address owner, address spender, uint256 value) private {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _checkNotBlacklisted(owner);
        _checkNotBlacklisted(spender);
        allowance[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    function _checkNotBlacklisted(address account) private view {
        if (isBlacklisted(account)) revert LocalUSDC_Blacklisted(account);
    }
}
