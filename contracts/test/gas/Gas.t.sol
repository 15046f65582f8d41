// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Vm} from "forge-std/Vm.sol";
import {NectoFixture} from "../utils/NectoFixture.sol";
import {PricingModel, Area} from "../../src/interfaces/IProviderRegistry.sol";
import {JobAction, JobRequest} from "../../src/interfaces/IJobRegistry.sol";

/// @notice Full transaction gas of every user-facing operation, written to contracts/snapshots/
/// and held to the budgets. A transaction costs 21,000 + its calldata (4 gas per zero byte, 16 per
/// other byte) + execution with cold storage, less the refund (at most a fifth of the total).
contract GasTest is NectoFixture {
    address internal freshBuyer;
    uint256 internal freshBuyerKey;

    function setUp() public override {
        super.setUp();
        (freshBuyer, freshBuyerKey) = makeAddrAndKey("freshBuyer");
        vm.prank(admin);
        usdc.mint(freshBuyer, 1_000_000e6);
        // The market and the buyer's balances are warm from earlier jobs in practice.
        requestTracked();
    }

    function test_Gas_RegisterProvider() public {
        _measure(
            "registerProvider",
            makeAddr("newSeller"),
            abi.encodeCall(market.registerProvider, (makeAddr("payout"), "ipfs://bafyprofile")),
            85_000
        );
    }

    function test_Gas_TeamTreasury() public {
        // A team's first deposit also allocates its funds slot (recorded, not budgeted).
        _measure(
            "depositToTeam (first deposit of the team)",
            teamAdmin,
            abi.encodeCall(market.depositToTeam, (teamId, 1_000e6)),
            type(uint256).max
        );
        _measure("depositToTeam", teamAdmin, abi.encodeCall(market.depositToTeam, (teamId, 1_000e6)), 70_000);
        JobRequest memory req = teamRequest(2, 4, 3_000_000);
        req.spec.workloadURI = WORKLOAD_URI;
        _measure("requestJob (team treasury)", teamUser, abi.encodeCall(market.requestJob, (req)), 140_000);
        // The first team job of a spend epoch also rolls the team's buckets.
        vm.warp(block.timestamp + market.SPEND_EPOCH());
        _measure(
            "requestJob (team treasury, first of a spend epoch)",
            teamUser,
            abi.encodeCall(market.requestJob, (req)),
            140_000
        );
        _measure(
            "withdrawFromTeam",
            teamAdmin,
            abi.encodeCall(market.withdrawFromTeam, (teamId, teamAdmin, 100e6)),
            type(uint256).max
        );
    }

    /// @dev A team job's settlement also credits the rest to its treasury (recorded, not budgeted).
    function test_Gas_TeamJobSettlement() public {
        fundTeamTreasury();
        uint256 jobId = requestTeam();
        routeTo(jobId, fixedOffer, 2_000_000);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 3 hours);
        _measure(
            "completeJob (team job: settle and credit the team)",
            seller,
            abi.encodeCall(market.completeJob, (jobId, 3 hours)),
            type(uint256).max
        );
        jobId = requestTeam();
        _measure(
            "cancel (team job: credit the team)", teamUser, abi.encodeCall(market.cancel, (jobId)), 65_000
        );
    }

    function test_Gas_Expire() public {
        uint256 jobId = requestTracked();
        routeTo(jobId, fixedOffer, 2_000_000);
        vm.warp(block.timestamp + START_WINDOW + 1);
        _measure("expire (never started)", stranger, abi.encodeCall(market.expire, (jobId)), 45_000);
        jobId = requestTracked();
        routeTo(jobId, fixedOffer, 2_000_000);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 4 hours + COMPLETION_GRACE + 1);
        _measure("expire (never completed)", stranger, abi.encodeCall(market.expire, (jobId)), 45_000);
        _measure("claimRefund (expired job)", buyer, abi.encodeCall(market.claimRefund, (jobId)), 65_000);
    }

    function test_Gas_AddOffer() public {
        _measure(
            "addOffer (Fixed)",
            seller,
            abi.encodeCall(
                market.addOffer, (sellerId, offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000))
            ),
            120_000
        );
        _measure(
            "addOffer (Token, with ceiling)",
            seller,
            abi.encodeCall(market.addOffer, (sellerId, tokenParams())),
            120_000
        );
    }

    /// @dev A realistic workload: a CIDv1 of the container image and command.
    string internal constant WORKLOAD_URI =
        "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

    function test_Gas_RequestJob() public {
        JobRequest memory req = trackedRequest(2, 4, 3_000_000);
        req.spec.workloadURI = WORKLOAD_URI;
        _measure("requestJob (approved)", buyer, abi.encodeCall(market.requestJob, (req)), 170_000);
    }

    function test_Gas_RequestJobWithPermit() public {
        JobRequest memory req = untrackedRequest(2, 4, 3_000_000);
        req.spec.workloadURI = WORKLOAD_URI;
        _measure("requestJobWithPermit (first permit of the wallet)", freshBuyer, _permitCall(req), 170_000);
        _measure("requestJobWithPermit (returning wallet)", freshBuyer, _permitCall(req), 170_000);
    }

    function test_Gas_Route() public {
        uint256 jobId = requestTracked();
        _measure(
            "route (Fixed offer)",
            keeper,
            abi.encodeCall(market.route, (jobId, fixedOffer, 2_000_000, ROOT)),
            60_000
        );
        jobId = requestTracked();
        uint64 price = market.currentPrice(dynamicOffer);
        _measure(
            "route (Dynamic offer)",
            keeper,
            abi.encodeCall(market.route, (jobId, dynamicOffer, price, ROOT)),
            60_000
        );
    }

    function test_Gas_StartCompleteWithdraw() public {
        uint256 jobId = requestTracked();
        routeTo(jobId, fixedOffer, 2_000_000);
        _measure("startJob", seller, abi.encodeCall(market.startJob, (jobId)), 35_000);
        vm.warp(block.timestamp + 3 hours);
        _measure("completeJob (settle)", seller, abi.encodeCall(market.completeJob, (jobId, 3 hours)), 75_000);
        _measure("claimRefund (completed job)", buyer, abi.encodeCall(market.claimRefund, (jobId)), 65_000);
        // The budget holds for a payout address that already holds USDC; the first USDC an address
        // ever receives also allocates its balance slot in the token (recorded, not budgeted).
        vm.prank(admin);
        usdc.mint(sellerPayout, 1e6);
        _measure("withdraw", sellerPayout, abi.encodeCall(market.withdraw, (sellerPayout)), 45_000);
    }

    function test_Gas_WithdrawToFreshAddress() public {
        uint256 jobId = requestTracked();
        routeTo(jobId, fixedOffer, 2_000_000);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 3 hours);
        vm.prank(seller);
        market.completeJob(jobId, 3 hours);
        _measure(
            "withdraw (first USDC the address receives)",
            sellerPayout,
            abi.encodeCall(market.withdraw, (sellerPayout)),
            type(uint256).max
        );
    }

    function test_Gas_Cancel() public {
        uint256 jobId = requestTracked();
        _measure("cancel + refund", buyer, abi.encodeCall(market.cancel, (jobId)), 65_000);
        jobId = requestUntracked();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signAction(jobKeyPk, jobId, JobAction.Cancel, buyer, deadline);
        _measure(
            "cancelWithSig + refund",
            stranger,
            abi.encodeCall(market.cancelWithSig, (jobId, buyer, deadline, sig)),
            65_000
        );
    }

    function _permitCall(JobRequest memory req) internal view returns (bytes memory) {
        uint256 amount = uint256(req.maxPricePerGpuHour) * req.spec.gpuCount * req.spec.hoursRequested;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                ),
                freshBuyer,
                address(market),
                amount,
                usdc.nonces(freshBuyer),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(freshBuyerKey, digest);
        return abi.encodeCall(market.requestJobWithPermit, (req, deadline, v, r, s));
    }

    /// @dev Sends `data` from `from` as if it were its own transaction and records its full gas.
    function _measure(string memory name, address from, bytes memory data, uint256 budget) internal {
        vm.cool(address(market));
        vm.cool(address(usdc));
        vm.cool(address(team));
        vm.prank(from, from);
        (bool ok, bytes memory ret) = address(market).call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        Vm.Gas memory g = vm.lastCallGas();
        uint256 spent = 21_000 + _calldataGas(data) + g.gasTotalUsed;
        uint256 refund = g.gasRefunded > 0 ? uint256(uint64(g.gasRefunded)) : 0;
        uint256 total = spent - _min(refund, spent / 5);
        vm.snapshotValue("market", name, total);
        assertLe(total, budget, name);
    }

    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i; i < data.length; i++) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
