// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";

import {JobsBase} from "./JobsBase.sol";
import {EscrowMath} from "../../../src/libraries/EscrowMath.sol";
import {Area, PricingModel} from "../../../src/interfaces/IProviderRegistry.sol";
import {JobMode, JobRequest} from "../../../src/interfaces/IJobRegistry.sol";

/// @notice The escrow arithmetic over the whole range the market allows: max price <= 1e12
/// (under the 40-bit cap), 1..1024 GPUs, 1..8760 hours, usage within the booking, fee <= 10%.
contract EscrowMathTest is Test {
    uint256 private constant MAX_PRICE = 1e12;
    uint256 private constant MAX_GPUS = 1024;
    uint256 private constant MAX_HOURS = 8760;
    uint16 private constant MAX_FEE_BPS = 1000;

    struct Terms {
        uint64 maxPrice;
        uint64 price;
        uint16 gpus;
        uint16 hoursBooked;
        uint32 usedSeconds;
        uint16 feeBps;
    }

    function testFuzz_SettlementSumsToDeposit(Terms memory t) external pure {
        t = _bound(t);
        uint256 deposit = EscrowMath.deposit(t.maxPrice, t.gpus, t.hoursBooked);
        uint256 earned = EscrowMath.earnings(t.price, t.gpus, t.usedSeconds);
        uint256 fee = EscrowMath.fee(earned, t.feeBps);

        assertEq(deposit, uint256(t.maxPrice) * t.gpus * t.hoursBooked, "deposit");
        assertLe(earned, deposit, "earnings within the deposit");
        assertLe(fee, earned, "fee within the earnings");
        assertLe(fee * 10, earned, "fee at most 10%");
        uint256 refund = deposit - earned;
        assertEq((earned - fee) + fee + refund, deposit, "provider + treasury + buyer == deposit");
    }

    function testFuzz_EarningsRoundDown(Terms memory t) external pure {
        t = _bound(t);
        uint256 exact = uint256(t.price) * t.gpus * t.usedSeconds;
        uint256 earned = EscrowMath.earnings(t.price, t.gpus, t.usedSeconds);
        assertLe(earned * 3600, exact, "never above the exact amount");
        assertGt((earned + 1) * 3600, exact, "less than one base unit below");
    }

    function testFuzz_EarningsGrowWithUsage(Terms memory t, uint32 moreSeconds) external pure {
        t = _bound(t);
        uint32 later = uint32(bound(moreSeconds, t.usedSeconds, uint256(t.hoursBooked) * 3600));
        assertLe(
            EscrowMath.earnings(t.price, t.gpus, t.usedSeconds),
            EscrowMath.earnings(t.price, t.gpus, later),
            "monotonic in usage"
        );
    }

    function test_NoOverflowAtTypeMaxima() external pure {
        uint256 deposit = EscrowMath.deposit(type(uint64).max, type(uint16).max, type(uint16).max);
        uint256 earned = EscrowMath.earnings(type(uint64).max, type(uint16).max, type(uint32).max);
        assertEq(deposit, uint256(type(uint64).max) * type(uint16).max * type(uint16).max, "deposit");
        assertEq(EscrowMath.fee(earned, type(uint16).max), earned * type(uint16).max / 10_000, "fee");
    }

    function testFuzz_DynamicPriceBetweenFloorAndCap(
        uint64 floorPrice,
        uint32 slopeBps,
        uint16 gpusInUse,
        uint16 gpuCount
    ) external pure {
        floorPrice = uint64(bound(floorPrice, 1, MAX_PRICE));
        slopeBps = uint32(bound(slopeBps, 0, 100_000));
        gpuCount = uint16(bound(gpuCount, 1, type(uint16).max));
        gpusInUse = uint16(bound(gpusInUse, 0, gpuCount));
        uint256 price = EscrowMath.dynamicPrice(floorPrice, slopeBps, gpusInUse, gpuCount);
        assertGe(price, floorPrice, "at least the floor");
        assertLe(price, floorPrice + uint256(floorPrice) * slopeBps / 10_000, "at most floor x (1 + slope)");
        if (gpusInUse < gpuCount) {
            assertLe(
                price,
                EscrowMath.dynamicPrice(floorPrice, slopeBps, gpusInUse + 1, gpuCount),
                "monotonic in use"
            );
        }
    }

    function _bound(Terms memory t) private pure returns (Terms memory) {
        t.maxPrice = uint64(bound(t.maxPrice, 1, MAX_PRICE));
        t.price = uint64(bound(t.price, 1, t.maxPrice));
        t.gpus = uint16(bound(t.gpus, 1, MAX_GPUS));
        t.hoursBooked = uint16(bound(t.hoursBooked, 1, MAX_HOURS));
        t.usedSeconds = uint32(bound(t.usedSeconds, 0, uint256(t.hoursBooked) * 3600));
        t.feeBps = uint16(bound(t.feeBps, 0, MAX_FEE_BPS));
        return t;
    }
}

/// @notice A job through the market with fuzzed terms: request, route to a 1024-GPU gateway offer
/// (which takes any price up to its ceiling, set at the largest max price), start, complete, then
/// everyone withdraws or claims.
contract SettlementFuzzTest is JobsBase {
    uint32 internal bigOffer;
    address internal funder = makeAddr("funder");
    uint256 internal escrowBefore;
    uint64 internal constant MAX_FUZZ_PRICE = 1e12;

    function setUp() public override {
        super.setUp();
        vm.prank(gatewayOperator);
        bigOffer = market.addOffer(
            gatewayId, offerParams(PricingModel.Auction, 1024, bytes2(0), Area.None, MAX_FUZZ_PRICE)
        );
        _approveAll(funder);
        requestTracked(); // another job's deposit stays in escrow throughout
        escrowBefore = usdc.balanceOf(address(market));
    }

    function testFuzz_SettlementSumsToDeposit(
        uint64 maxPrice,
        uint64 price,
        uint16 gpus,
        uint16 hoursBooked,
        uint32 usedSeconds,
        uint256 elapsed,
        uint16 feeBps,
        bool untracked
    ) external {
        maxPrice = uint64(bound(maxPrice, 1, MAX_FUZZ_PRICE));
        price = uint64(bound(price, 1, maxPrice));
        gpus = uint16(bound(gpus, 1, 1024));
        hoursBooked = uint16(bound(hoursBooked, 1, 8760));
        uint256 booked = uint256(hoursBooked) * 3600;
        usedSeconds = uint32(bound(usedSeconds, 0, booked));
        elapsed = bound(elapsed, usedSeconds, booked + COMPLETION_GRACE);
        feeBps = uint16(bound(feeBps, 0, market.MAX_FEE_BPS()));
        setFee(feeBps);

        (uint256 jobId, address controller) = _request(gpus, hoursBooked, maxPrice, untracked);
        uint256 deposit = uint256(maxPrice) * gpus * hoursBooked;
        assertEq(market.depositOf(jobId), deposit, "deposit");

        vm.prank(keeper);
        market.route(jobId, bigOffer, price, ROOT);
        startAs(jobId, gatewayOperator);
        vm.warp(block.timestamp + elapsed);
        vm.prank(gatewayOperator);
        market.completeJob(jobId, usedSeconds);

        uint256 earned = uint256(price) * gpus * usedSeconds / 3600;
        uint256 providerShare = market.earningsOf(gatewayOperator);
        uint256 fee = market.earningsOf(treasury);
        uint256 refund = market.refundDue(jobId);
        assertEq(providerShare + fee, earned, "earnings");
        assertEq(fee, earned * feeBps / 10_000, "fee");
        assertEq(providerShare + fee + refund, deposit, "provider + treasury + buyer == deposit");

        _payEveryone(jobId, controller, providerShare, fee);
        assertEq(usdc.balanceOf(gatewayOperator), providerShare, "provider paid");
        assertEq(usdc.balanceOf(treasury), fee, "treasury paid");
        assertEq(usdc.balanceOf(controller), refund, "controller refunded");
        assertEq(usdc.balanceOf(address(market)), escrowBefore, "escrow back to where it was");
        assertEq(gpusInUse(bigOffer), 0, "GPUs freed");
    }

    /// @dev Funds `funder` with exactly the deposit and requests; an Untracked job is controlled by `jobKey`.
    function _request(uint16 gpus, uint16 hoursBooked, uint64 maxPrice, bool untracked)
        private
        returns (uint256 jobId, address controller)
    {
        vm.prank(admin);
        usdc.mint(funder, uint256(maxPrice) * gpus * hoursBooked);
        JobRequest memory req = trackedRequest(gpus, hoursBooked, maxPrice);
        controller = funder;
        if (untracked) (req.mode, req.jobKey, controller) = (JobMode.Untracked, jobKey, jobKey);
        vm.prank(funder);
        jobId = market.requestJob(req);
    }

    function _payEveryone(uint256 jobId, address controller, uint256 providerShare, uint256 fee) private {
        if (providerShare != 0) _withdraw(gatewayOperator);
        if (fee != 0) _withdraw(treasury);
        vm.prank(controller);
        market.claimRefund(jobId);
    }

    function _withdraw(address account) private {
        vm.prank(account);
        market.withdraw(account);
    }
}
