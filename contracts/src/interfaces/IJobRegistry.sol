// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Area, PricingModel, CapacityState} from "./IProviderRegistry.sol";

/// @notice Tracked jobs record the buyer (and team); Untracked jobs record no buyer identity at all
/// and are controlled by a one-time job key.
enum JobMode {
    Tracked,
    Untracked
}

/// @notice Allowed transitions (and nothing else):
/// Requested -> Routed | Cancelled | Unroutable;  Routed -> Routed (reroute) | Started | Cancelled |
/// Refunded (not started by the start deadline);  Started -> Completed | Refunded (not completed by
/// the completion deadline);  Completed -> Refunded;  Unroutable -> Refunded.
enum JobStatus {
    None,
    Requested,
    Routed,
    Started,
    Completed,
    Cancelled,
    Unroutable,
    Refunded
}

/// @notice What the controller of a job can authorize by EIP-712 signature.
enum JobAction {
    Cancel,
    ClaimRefund
}

/// @notice The buyer's job description; emitted in full so keepers and providers need no side channel.
/// @dev `country` zero = any country; `area` None = any area. Bit i of `excludedPricing` excludes
/// PricingModel(i). `workloadURI` names the container image and command; `workloadHash` pins it.
struct JobSpec {
    bytes16 gpuModel;
    uint16 gpuCount;
    uint16 minVramGb;
    bytes2 country;
    Area area;
    uint8 excludedPricing;
    uint16 hoursRequested;
    string workloadURI;
    bytes32 workloadHash;
}

/// @notice A request: the spec plus the commercial terms. The deposit is
/// maxPricePerGpuHour x gpuCount x hoursRequested, in USDC base units.
/// @dev `jobKey` must be set for Untracked jobs (the job's controller) and zero for Tracked ones
/// (the buyer controls them). `teamId` must be zero for Untracked jobs.
struct JobRequest {
    JobSpec spec;
    uint64 maxPricePerGpuHour;
    JobMode mode;
    uint32 teamId;
    bool rerouteOptIn;
    address jobKey;
}

/// @notice A job as `getJob` reports it. `gpuModel` reads zero once an Unroutable job's decision
/// root has replaced it (JobRequested carries it).
/// @dev `controller` is the buyer (Tracked) or the job key (Untracked).
struct Job {
    address controller;
    JobMode mode;
    bool rerouteOptIn;
    uint8 excludedPricing;
    uint16 gpuCount;
    uint16 minVramGb;
    uint16 hoursRequested;
    bytes2 country;
    Area area;
    JobStatus status;
    uint32 offerId;
    uint64 pricePerGpuHour;
    uint64 maxPricePerGpuHour;
    uint32 teamId;
    uint40 routedAt;
    uint40 startedAt;
    uint32 usedSeconds;
    bytes16 gpuModel;
    bytes32 decisionRoot;
}

/// @title Job registry and USDC escrow.
/// @notice Token assumptions (USDC and tokens like it): 6 decimals, transfers move exactly the
/// amount (fee-on-transfer tokens are rejected at request), no callbacks. What USDC may do and what
/// it breaks: a blacklisted or paused USDC makes a transfer revert. Payments are pulled, one payee
/// per transaction, so that only ever delays the payee concerned (or everyone while USDC is paused);
/// no job's state change waits on a transfer to someone else, and no funds are ever locked.
/// Liveness only: if the keeper stops, buyers cancel; if a provider stops, buyers reclaim after the
/// start or completion deadline.
interface IJobRegistry {
    event JobRequested(
        uint256 indexed jobId,
        address indexed controller,
        uint32 indexed teamId,
        JobMode mode,
        JobSpec spec,
        uint64 maxPricePerGpuHour,
        bool rerouteOptIn,
        uint256 deposit
    );
    event JobRouted(
        uint256 indexed jobId, uint32 indexed offerId, uint64 pricePerGpuHour, bytes32 decisionRoot
    );
    event JobRerouted(
        uint256 indexed jobId,
        uint32 indexed fromOfferId,
        uint32 indexed toOfferId,
        uint64 pricePerGpuHour,
        bytes32 previousRoot,
        bytes32 decisionRoot
    );
    event JobMarkedUnroutable(uint256 indexed jobId, bytes32 decisionRoot);
    event JobStarted(uint256 indexed jobId, uint32 indexed offerId);
    event JobCompleted(
        uint256 indexed jobId,
        uint32 indexed offerId,
        address indexed payout,
        uint32 usedSeconds,
        uint256 providerEarnings,
        uint256 protocolFee,
        uint256 buyerRefundDue
    );
    event JobCancelled(uint256 indexed jobId, uint256 refund);
    event JobRefunded(uint256 indexed jobId, JobStatus from, uint256 refund);
    event EarningsWithdrawn(address indexed account, address indexed to, uint256 amount);
    event ProtocolFeeUpdated(uint16 feeBps, address treasury);
    event Paused(address account);
    event Unpaused(address account);

    error JobRegistry_Paused();
    error JobRegistry_UnknownJob(uint256 jobId);
    error JobRegistry_WrongStatus(uint256 jobId, JobStatus status);
    /// @param field The JobRequest field at fault (max price must fit 40 bits: < $1.1M per GPU-hour).
    error JobRegistry_InvalidSpec(string field);
    error JobRegistry_JobKeyRequired();
    error JobRegistry_JobKeyNotAllowed(address jobKey);
    error JobRegistry_UntrackedTeamJob(uint32 teamId);
    error JobRegistry_UnsupportedToken(uint256 expected, uint256 received);
    error JobRegistry_PriceAboveMax(uint64 price, uint64 maxPrice);
    error JobRegistry_PriceMismatch(uint64 price, uint64 onchainPrice);
    error JobRegistry_ZeroPrice();
    error JobRegistry_OfferNotAvailable(uint32 offerId, CapacityState state);
    error JobRegistry_InsufficientGpus(uint32 offerId, uint16 free, uint16 needed);
    error JobRegistry_OutsideWindow(
        uint32 offerId, uint40 availableFrom, uint40 availableUntil, uint256 jobEnd
    );
    error JobRegistry_GpuModelMismatch(bytes16 offerModel, bytes16 jobModel);
    error JobRegistry_VramTooLow(uint16 offerVramGb, uint16 minVramGb);
    error JobRegistry_RegionMismatch(bytes2 offerCountry, Area offerArea, bytes2 jobCountry, Area jobArea);
    error JobRegistry_PricingModelExcluded(PricingModel pricing);
    error JobRegistry_ProviderNotWhitelisted(uint32 teamId, uint32 providerId);
    error JobRegistry_InvalidDecisionRoot(bytes32 decisionRoot);
    error JobRegistry_RerouteNotOptedIn(uint256 jobId);
    error JobRegistry_SameOffer(uint32 offerId);
    error JobRegistry_NotController(uint256 jobId, address caller);
    error JobRegistry_NotJobProvider(uint256 jobId, address caller);
    error JobRegistry_StartDeadlinePassed(uint256 jobId, uint256 deadline);
    error JobRegistry_CompletionDeadlinePassed(uint256 jobId, uint256 deadline);
    error JobRegistry_UsedSecondsTooHigh(uint32 usedSeconds, uint256 maxSeconds);
    error JobRegistry_RefundNotDue(uint256 jobId, JobStatus status, uint256 dueAt);
    error JobRegistry_SignatureExpired(uint256 deadline);
    error JobRegistry_InvalidSignature(uint256 jobId, address signer);
    error JobRegistry_NothingToWithdraw(address account);
    error JobRegistry_FeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    error JobRegistry_ZeroAddress();

    /// @notice Requests a job and escrows its maximum budget, pulled from the caller (approve first).
    function requestJob(JobRequest calldata req) external returns (uint256 jobId);

    /// @notice Same as requestJob, approving the budget by EIP-2612 permit. A permit that was
    /// already used (for example by a front-runner) does not block the request.
    function requestJobWithPermit(
        JobRequest calldata req,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 jobId);

    /// @notice Keeper: routes a Requested job to an offer at a price, committing the decision
    /// record's 0G Storage root. Reserves the job's GPUs on the offer.
    function route(uint256 jobId, uint32 offerId, uint64 pricePerGpuHour, bytes32 decisionRoot) external;

    /// @notice Keeper: moves a Routed job that opted in to another offer, with a new decision root.
    function reroute(uint256 jobId, uint32 offerId, uint64 pricePerGpuHour, bytes32 decisionRoot) external;

    /// @notice Keeper: no offer satisfies the job; the root explains why. The buyer may then reclaim.
    function markUnroutable(uint256 jobId, bytes32 decisionRoot) external;

    /// @notice Provider owner: starts a Routed job before its start deadline.
    function startJob(uint256 jobId) external;

    /// @notice Provider owner: completes a Started job and settles it. The provider earns
    /// price x GPUs x usedSeconds / 3600 rounded down (less the protocol fee); the rest is the buyer's.
    /// @param usedSeconds At most the booked hours and at most the time since start.
    function completeJob(uint256 jobId, uint32 usedSeconds) external;

    /// @notice Controller: cancels a job before it starts; the whole deposit goes to the caller.
    function cancel(uint256 jobId) external;

    /// @notice Anyone holding the controller's signature: cancels and pays the deposit to `recipient`.
    function cancelWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Controller: reclaims what is due: the rest of a Completed job, or the whole deposit of
    /// an Unroutable job, a job not started by its start deadline, or one not completed by its
    /// completion deadline.
    function claimRefund(uint256 jobId) external;

    /// @notice claimRefund authorized by the controller's signature, paid to `recipient`.
    function claimRefundWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Withdraws the caller's accrued earnings (providers, treasury) to `to`.
    function withdraw(address to) external;

    /// @notice Admin: protocol fee in basis points of provider earnings (at most 10%) and its treasury.
    function setProtocolFee(uint16 feeBps, address treasury) external;

    /// @notice Guardian: stops new requests and routing. Cancel, refund and withdraw stay open.
    function pause() external;
    function unpause() external;

    function getJob(uint256 jobId) external view returns (Job memory);
    function refundDue(uint256 jobId) external view returns (uint256);
    function earningsOf(address account) external view returns (uint256);
    function jobActionDigest(uint256 jobId, JobAction action, address recipient, uint256 deadline)
        external
        view
        returns (bytes32);
}
