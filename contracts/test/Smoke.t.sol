// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NectoFixture} from "./utils/NectoFixture.sol";
import {JobStatus} from "../src/interfaces/IJobRegistry.sol";

contract SmokeTest is NectoFixture {
    function test_TrackedJobLifecycle() public {
        uint256 jobId = requestTracked();
        routeTo(jobId, fixedOffer, 2_000_000);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 3 hours);
        vm.prank(seller);
        market.completeJob(jobId, 3 hours);
        assertEq(market.earningsOf(sellerPayout), 12e6);
        assertEq(market.refundDue(jobId), 12e6);
        vm.prank(buyer);
        market.claimRefund(jobId);
        assertEq(uint8(market.getJob(jobId).status), uint8(JobStatus.Refunded));
    }
}
