// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {NectoFixture} from "../../utils/NectoFixture.sol";
import {JobAction, JobRequest, JobStatus} from "../../../src/interfaces/IJobRegistry.sol";

/// @notice Jobs driven to each status for the job registry unit tests. The standard job is the
/// fixture's Tracked request from `buyer` (2 GPUs x 4 h, max $3.00, deposit 24 USDC), routed to the
/// seller's Fixed offer at $2.00 at T0.
abstract contract JobsBase is NectoFixture {
    uint16 internal constant GPUS = 2;
    uint16 internal constant HOURS = 4;
    uint64 internal constant MAX_PRICE = 3_000_000;
    uint64 internal constant FIXED_PRICE = 2_000_000;
    uint256 internal constant DEPOSIT = 24e6;
    uint256 internal constant BOOKED_SECONDS = 4 hours;
    uint32 internal constant REVIEW = 15 minutes;
    /// @dev A job is stored in three slots (see JobRegistry.JobRecord).
    uint256 internal constant JOB_SLOTS = 3;
    /// @dev The slot of `_jobs` in NectoMarket (`forge inspect NectoMarket storageLayout`).
    uint256 internal constant JOBS_SLOT = 11;

    function routedJob() internal returns (uint256 jobId) {
        jobId = requestTracked();
        routeTo(jobId, fixedOffer, FIXED_PRICE);
    }

    /// @notice The standard job with a review window, routed to the Fixed offer at T0.
    function routedJobWithReview(uint32 reviewSeconds) internal returns (uint256 jobId) {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = reviewSeconds;
        vm.prank(buyer);
        jobId = market.requestJob(req);
        routeTo(jobId, fixedOffer, FIXED_PRICE);
    }

    function startedJob() internal returns (uint256 jobId) {
        jobId = routedJob();
        startAs(jobId, seller);
    }

    /// @notice A job started at T0 and completed `usedSeconds` later, reporting all of them.
    function completedJob(uint32 usedSeconds) internal returns (uint256 jobId) {
        jobId = startedJob();
        vm.warp(block.timestamp + usedSeconds);
        vm.prank(seller);
        market.completeJob(jobId, usedSeconds);
    }

    function unroutableJob() internal returns (uint256 jobId) {
        jobId = requestTracked();
        vm.prank(keeper);
        market.markUnroutable(jobId, ROOT);
    }

    /// @notice A Tracked request from `buyer` that allows rerouting.
    function requestReroutable() internal returns (uint256 jobId) {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.rerouteOptIn = true;
        vm.prank(buyer);
        jobId = market.requestJob(req);
    }

    function setFee(uint16 feeBps) internal {
        vm.prank(admin);
        market.setProtocolFee(feeBps, treasury);
    }

    function pauseMarket() internal {
        vm.prank(guardian);
        market.pause();
    }

    function assertStatus(uint256 jobId, JobStatus expected) internal view {
        assertEq(uint8(market.getJob(jobId).status), uint8(expected), "job status");
    }

    function gpusInUse(uint32 offerId) internal view returns (uint16) {
        return market.getOffer(offerId).gpusInUse;
    }

    /// @notice Who the market will see as signer of `signature` for this action: for a signature
    /// reused out of its context, some unrelated address.
    function recoveredSigner(
        uint256 jobId,
        JobAction action,
        address recipient,
        uint256 deadline,
        bytes memory signature
    ) internal view returns (address) {
        return ECDSA.recover(market.jobActionDigest(jobId, action, recipient, deadline), signature);
    }

    /// @notice The EIP-712 digest of a job action as a market at `verifyingContract` on `chainId`
    /// would compute it, built here from the standard so the market's own is checked against it.
    function digestFor(
        address verifyingContract,
        uint256 chainId,
        uint256 jobId,
        JobAction action,
        address recipient,
        uint256 deadline
    ) internal pure returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("Necto"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
        bytes32 typeHash =
            keccak256("JobAction(uint256 jobId,uint8 action,address recipient,uint256 deadline)");
        bytes32 structHash = keccak256(abi.encode(typeHash, jobId, action, recipient, deadline));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function signDigest(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }
}
