// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {INectoMarket} from "../../src/interfaces/INectoMarket.sol";
import {JobRequest, JobStatus} from "../../src/interfaces/IJobRegistry.sol";

/// @notice A plain ERC-20 with chosen decimals and an open mint: the base of the weird tokens.
contract MockToken is ERC20 {
    uint8 private immutable _decimals;

    constructor(string memory name_, uint8 decimals_) ERC20(name_, name_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice Burns `feeBps` of every transfer between holders, so the recipient gets less than was
/// sent. Has 6 decimals, so only the market's received-amount check can reject it.
contract FeeOnTransferToken is MockToken {
    uint256 public immutable feeBps;

    constructor(uint256 feeBps_) MockToken("Fee USD", 6) {
        feeBps = feeBps_;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : value * feeBps / 10_000;
        if (fee != 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}

/// @notice Receives the callback of a ReentrantToken.
interface ITransferHook {
    function onTokenTransfer(address from, uint256 amount) external;
}

/// @notice After each transfer to an account that opted in, calls that account back: the shape of
/// ERC-777 or ERC-1363 hooks, through which a payee gets control while the payer is mid-payment.
contract ReentrantToken is MockToken {
    mapping(address account => bool) public hooked;

    constructor() MockToken("Hook USD", 6) {}

    function setHooked(address account, bool hooked_) external {
        hooked[account] = hooked_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hooked[to]) ITransferHook(to).onTokenTransfer(from, value);
    }
}

/// @notice A buyer and payee contract that, when paid by the market, calls the market again with a
/// prepared call (once). It records whether that call succeeded, its revert data, and what the
/// market showed during the callback. With `bubble`, a failed re-entry reverts the payment itself.
contract Reenterer is ITransferHook {
    INectoMarket public immutable market;
    IERC20 public immutable token;

    bytes public reentryCall;
    bool public bubble;
    uint256 public watchedJob;

    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryRevertData;
    JobStatus public statusDuringCallback;
    uint256 public earningsDuringCallback;

    constructor(INectoMarket market_) {
        market = market_;
        token = market_.usdc();
        token.approve(address(market_), type(uint256).max);
    }

    /// @notice Prepares the call to make into the market on the next payment received.
    function arm(bytes calldata call, uint256 jobToWatch, bool bubble_) external {
        reentryCall = call;
        watchedJob = jobToWatch;
        bubble = bubble_;
    }

    function onTokenTransfer(address, uint256) external {
        if (msg.sender != address(token) || reentryCall.length == 0) return;
        bytes memory call = reentryCall;
        delete reentryCall;
        if (watchedJob != 0) statusDuringCallback = market.getJob(watchedJob).status;
        earningsDuringCallback = market.earningsOf(address(this));
        reentered = true;
        (bool ok, bytes memory returned) = address(market).call(call);
        reentrySucceeded = ok;
        reentryRevertData = returned;
        if (!ok && bubble) {
            assembly ("memory-safe") {
                revert(add(returned, 32), mload(returned))
            }
        }
    }

    function requestJob(JobRequest calldata req) external returns (uint256) {
        return market.requestJob(req);
    }

    function cancel(uint256 jobId) external {
        market.cancel(jobId);
    }

    function claimRefund(uint256 jobId) external {
        market.claimRefund(jobId);
    }

    function withdraw(address to) external {
        market.withdraw(to);
    }
}
