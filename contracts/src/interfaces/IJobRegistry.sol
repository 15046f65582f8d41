// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

import {Area, PricingModel, CapacityState} from "./IProviderRegistry.sol";

/// @notice Tracked jobs record the buyer (and team); Untracked jobs record no buyer identity at all
/// and are controlled by a one-time job key.
enum JobMode {
    Tracked,
    Untracked
}

/// @notice Allowed transitions (and nothing else):
/// Requested -> Routed | Cancelled | Unroutable;  Routed -> Routed (reroute) | Started | Cancelled |
/// Expired | Refunded (not started by the start deadline);  Started -> Completed | Expired |
/// Refunded (not completed by the completion deadline);  Completed | Unroutable | Expired ->
/// Refunded. A team job's refund is credited to its team at once, so a team job goes on from
/// Completed, Unroutable or Expired to Refunded in the same transaction.
enum JobStatus {
    None,
    Requested,
    Routed,
    Started,
    Completed,
    Cancelled,
    Unroutable,
    Refunded,
    Expired
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
/// maxPricePerGpuHour x gpuCount x hoursRequested, in USDC base units, pulled from the caller, or
/// drawn from the team's treasury when `teamId` is set.
/// @dev `jobKey` must be set for Untracked jobs (the job's controller) and zero for Tracked ones
/// (the buyer controls them). `teamId` must be zero for Untracked jobs. `reviewSeconds` (at most
/// MAX_REVIEW_SECONDS) is how long after each route the job cannot start, so that the buyer can
/// verify the decision and cancel for free; 0 lets the provider start at once.
struct JobRequest {
    JobSpec spec;
    uint64 maxPricePerGpuHour;
    JobMode mode;
    uint32 teamId;
    uint32 reviewSeconds;
    bool rerouteOptIn;
    address jobKey;
}

/// @notice A job as `getJob` reports it, with its deadlines worked out. `gpuModel` reads zero once an
/// Unroutable job's decision root has replaced it (JobRequested carries it). Times are unix
/// seconds. Only the times of the job's current stage are kept, and the others read zero: the
/// routing times (`routedAt`, `reviewEndsAt`, `startDeadline`) until it starts, then the start
/// times (`startedAt`, `completionDeadline`) until it completes, then `usedSeconds`. The job's
/// events keep all of them.
/// @dev `controller` is the buyer (Tracked; for a team job the member who requested it) or the job
/// key (Untracked).
struct Job {
    address controller;
    JobMode mode;
    JobStatus status;
    bool rerouteOptIn;
    uint8 excludedPricing;
    bytes16 gpuModel;
    uint16 gpuCount;
    uint16 minVramGb;
    uint16 hoursRequested;
    bytes2 country;
    Area area;
    uint32 teamId;
    uint32 reviewSeconds;
    uint64 maxPricePerGpuHour;
    uint32 offerId;
    uint64 pricePerGpuHour;
    uint16 feeBps;
    uint40 routedAt;
    uint40 reviewEndsAt;
    uint40 startDeadline;
    uint40 startedAt;
    uint40 completionDeadline;
    uint32 usedSeconds;
    bytes32 decisionRoot;
}

/// @title Job registry and USDC escrow.
/// @notice Token assumptions (USDC and tokens like it): 6 decimals, transfers move exactly the
/// amount (fee-on-transfer tokens are rejected at request), no callbacks. What USDC may do and what
/// it breaks: a blacklisted or paused USDC makes a transfer revert. Payments are pulled, one payee
/// per transaction, so that only ever delays the payee concerned (or everyone while USDC is paused);
/// no job's state change waits on a transfer to someone else, and no funds are ever locked.
/// Liveness only: if the keeper stops, buyers cancel; if a provider stops, anyone expires the job
/// after its start or completion deadline and the buyer reclaims the deposit.
/// Pause (guardian) stops what moves new money or commits it: requests, team deposits, routing
/// (route, reroute, markUnroutable) and starts. It never stops complete, cancel, claimRefund,
/// expire, withdraw or team withdrawals, and it moves no deadline: a running job runs on and its
/// provider completes and is paid as usual; a routed job that cannot start before its start
/// deadline because of the pause expires and its deposit is refunded in full.
interface IJobRegistry {
    event JobRequested(
        uint256 indexed jobId,
        address indexed controller,
        uint32 indexed teamId,
        JobMode mode,
        JobSpec spec,
        uint64 maxPricePerGpuHour,
        uint32 reviewSeconds,
        bool rerouteOptIn,
        uint256 deposit
    );
    /// @param feeBps The protocol fee fixed for this job at routing.
    event JobRouted(
        uint256 indexed jobId,
        uint32 indexed offerId,
        uint64 pricePerGpuHour,
        uint16 feeBps,
        bytes32 decisionRoot
    );
    event JobRerouted(
        uint256 indexed jobId,
        uint32 indexed fromOfferId,
        uint32 indexed toOfferId,
        uint64 pricePerGpuHour,
        uint16 feeBps,
        bytes32 previousRoot,
        bytes32 decisionRoot
    );
    event JobMarkedUnroutable(uint256 indexed jobId, bytes32 decisionRoot);
    event JobStarted(uint256 indexed jobId);
    event JobCompleted(
        uint256 indexed jobId,
        uint32 indexed offerId,
        address indexed payout,
        uint32 usedSeconds,
        uint256 providerEarnings,
        uint256 protocolFee,
        uint256 buyerRefundDue
    );
    /// @param from Requested or Routed (whose GPUs are then freed).
    /// @param refund The whole deposit: paid to the caller or signed recipient, or credited to the
    /// team's treasury for a team job.
    event JobCancelled(uint256 indexed jobId, JobStatus from, uint256 refund);
    /// @notice The job's GPUs are free again; its deposit stays claimable in full.
    event JobExpired(uint256 indexed jobId, JobStatus from);
    /// @param refund Paid to the controller or signed recipient, or credited to the team's treasury.
    event JobRefunded(uint256 indexed jobId, JobStatus from, uint256 refund);
    event EarningsWithdrawn(address indexed account, address indexed to, uint256 amount);
    event ProtocolFeeUpdated(uint16 feeBps, address treasury);
    event Paused(address account);
    event Unpaused(address account);

    error JobRegistry_Paused();
    error JobRegistry_UnknownJob(uint256 jobId);
    error JobRegistry_WrongStatus(uint256 jobId, JobStatus status);
    /// @param field The JobRequest field at fault (max price must fit 40 bits: < $1.1M per GPU-hour;
    /// reviewSeconds at most MAX_REVIEW_SECONDS).
    error JobRegistry_InvalidSpec(string field);
    error JobRegistry_JobKeyRequired();
    error JobRegistry_JobKeyNotAllowed(address jobKey);
    error JobRegistry_UntrackedTeamJob(uint32 teamId);
    error JobRegistry_TeamJobFundedByTreasury(uint32 teamId);
    error JobRegistry_UnsupportedToken(uint256 expected, uint256 received);
    error JobRegistry_PriceAboveMax(uint64 price, uint64 maxPrice);
    error JobRegistry_PriceMismatch(uint64 price, uint64 onchainPrice);
    error JobRegistry_PriceAboveCeiling(uint64 price, uint64 ceiling);
    error JobRegistry_ZeroPrice();
    error JobRegistry_OfferNotAvailable(uint32 offerId, CapacityState state);
    error JobRegistry_InsufficientGpus(uint32 offerId, uint16 free, uint16 needed);
    /// @param latestEnd When the job could end at the latest if routed now: review window, start
    /// window and booked hours from now.
    error JobRegistry_OutsideWindow(
        uint32 offerId, uint40 availableFrom, uint40 availableUntil, uint256 latestEnd
    );
    error JobRegistry_GpuModelMismatch(bytes16 offerModel, bytes16 jobModel);
    error JobRegistry_VramTooLow(uint16 offerVramGb, uint16 minVramGb);
    error JobRegistry_RegionMismatch(bytes2 offerCountry, Area offerArea, bytes2 jobCountry, Area jobArea);
    error JobRegistry_PricingModelExcluded(PricingModel pricing);
    error JobRegistry_ProviderNotWhitelisted(uint32 teamId, uint32 providerId);
    error JobRegistry_SubmitterNotActive(uint32 teamId, address submitter);
    error JobRegistry_InvalidDecisionRoot(bytes32 decisionRoot);
    error JobRegistry_RerouteNotOptedIn(uint256 jobId);
    error JobRegistry_SameOffer(uint32 offerId);
    error JobRegistry_NotController(uint256 jobId, address caller);
    error JobRegistry_NotJobProvider(uint256 jobId, address caller);
    error JobRegistry_InReviewWindow(uint256 jobId, uint256 reviewEndsAt);
    error JobRegistry_StartDeadlinePassed(uint256 jobId, uint256 deadline);
    error JobRegistry_CompletionDeadlinePassed(uint256 jobId, uint256 deadline);
    error JobRegistry_UsedSecondsTooHigh(uint32 usedSeconds, uint256 maxSeconds);
    error JobRegistry_RefundNotDue(uint256 jobId, JobStatus status, uint256 dueAt);
    error JobRegistry_NotExpired(uint256 jobId, JobStatus status, uint256 deadline);
    error JobRegistry_SignatureExpired(uint256 deadline);
    error JobRegistry_InvalidSignature(uint256 jobId, address signer);
    error JobRegistry_NothingToWithdraw(address account);
    error JobRegistry_FeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    error JobRegistry_ZeroAddress();
    error JobRegistry_StartWindowOutOfRange(uint256 startWindow, uint256 min, uint256 max);
    error JobRegistry_CompletionGraceOutOfRange(uint256 completionGrace, uint256 min, uint256 max);

    /// @notice Requests a job and escrows its maximum budget: pulled from the caller (approve first),
    /// or drawn from the team's treasury for a team job (the caller must be a User or Admin of the
    /// team, and the deposit must fit the team's balance and spending cap).
    /// @param req The spec and terms.
    /// @return jobId The new job's id (1-based).
    function requestJob(JobRequest calldata req) external returns (uint256 jobId);

    /// @notice Same as requestJob for a job funded by the caller, approving the budget by EIP-2612
    /// permit. A permit that was already used (for example by a front-runner) does not block the
    /// request. Team jobs need no approval: use requestJob.
    /// @param req The spec and terms (teamId zero).
    /// @param permitDeadline The permit's deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @return jobId The new job's id.
    function requestJobWithPermit(
        JobRequest calldata req,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 jobId);

    /// @notice Keeper: routes a Requested job to an offer at a price, committing the decision
    /// record's 0G Storage root. Reserves the job's GPUs on the offer and fixes the protocol fee.
    /// The price is the offer's exact price (Necto Fixed and Dynamic offers) or at most its
    /// committed ceiling (Token and gateway offers), and at most the job's maximum. The offer must be
    /// Available with the GPUs free, and its window must hold the job's review window, start window
    /// and booked hours from now. Team jobs: the submitter must still be a User or Admin and the
    /// provider allowed by the team's whitelist.
    /// @param jobId A Requested job.
    /// @param offerId The offer that carries it.
    /// @param pricePerGpuHour Micro-USD per GPU-hour.
    /// @param decisionRoot The 0G Storage root of the decision record (non-zero).
    function route(uint256 jobId, uint32 offerId, uint64 pricePerGpuHour, bytes32 decisionRoot) external;

    /// @notice Keeper: moves a Routed job that opted in to another offer of the same GPU model, with a
    /// new decision root, under the same checks as route. The review window starts again.
    /// @param jobId A Routed job that opted in to rerouting.
    /// @param offerId Another offer.
    /// @param pricePerGpuHour Micro-USD per GPU-hour.
    /// @param decisionRoot The new record's root; it names the previous one.
    function reroute(uint256 jobId, uint32 offerId, uint64 pricePerGpuHour, bytes32 decisionRoot) external;

    /// @notice Keeper: no offer satisfies the job; the root explains why. The buyer may then reclaim
    /// the deposit (a team job's is credited back to the team at once).
    /// @param jobId A Requested job.
    /// @param decisionRoot The record's root.
    function markUnroutable(uint256 jobId, bytes32 decisionRoot) external;

    /// @notice Provider owner: starts a Routed job once its review window has passed and before its
    /// start deadline (review end + start window).
    /// @param jobId A Routed job on one of the caller's offers.
    function startJob(uint256 jobId) external;

    /// @notice Provider owner: completes a Started job and settles it. The provider earns
    /// price x GPUs x usedSeconds / 3600 rounded down, less the fee fixed at routing; the rest is the
    /// buyer's (credited to the team at once for a team job).
    /// @param jobId A Started job on one of the caller's offers, before its completion deadline.
    /// @param usedSeconds At most the booked hours and at most the time since start.
    function completeJob(uint256 jobId, uint32 usedSeconds) external;

    /// @notice Controller (or, for a team job, any Admin of the team): cancels a job before it
    /// starts, during its review window or after; the whole deposit goes to the caller (to the team's
    /// treasury for a team job).
    /// @param jobId A Requested or Routed job.
    function cancel(uint256 jobId) external;

    /// @notice Anyone holding the controller's signature: cancels and pays the deposit to
    /// `recipient` (a team job's deposit goes to the team whatever the recipient).
    /// @param jobId A Requested or Routed job.
    /// @param recipient Named in the signature.
    /// @param deadline Last second the signature is valid.
    /// @param signature The controller's EIP-712 signature of JobAction(jobId, Cancel, recipient, deadline).
    function cancelWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Controller (or a team Admin): reclaims what is due: the rest of a Completed job, or the
    /// whole deposit of an Unroutable or Expired job, a job not started by its start deadline, or
    /// one not completed by its completion deadline.
    /// @param jobId The job.
    function claimRefund(uint256 jobId) external;

    /// @notice claimRefund authorized by the controller's signature, paid to `recipient`.
    /// @param jobId The job.
    /// @param recipient Named in the signature.
    /// @param deadline Last second the signature is valid.
    /// @param signature The controller's EIP-712 signature of JobAction(jobId, ClaimRefund, recipient, deadline).
    function claimRefundWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Anyone: frees the GPUs of a dead job at once: a Routed job past its start deadline, or
    /// a Started job past its completion deadline. Its deposit stays claimable in full by its
    /// controller (a team job's is credited back to the team at once). Open while paused.
    /// @param jobId The job.
    function expire(uint256 jobId) external;

    /// @notice Withdraws the caller's accrued earnings (providers, treasury) to `to`.
    /// @param to Any non-zero address.
    function withdraw(address to) external;

    /// @notice Admin: protocol fee in basis points of provider earnings (at most 10%) and its
    /// treasury. Applies to jobs routed or rerouted from now on: each route fixes the fee in force on
    /// the job, and the job settles with it.
    /// @param feeBps Basis points.
    /// @param treasury Where fees accrue (non-zero).
    function setProtocolFee(uint16 feeBps, address treasury) external;

    /// @notice Guardian: stops requests, team deposits, routing and starts (see the contract notice).
    function pause() external;

    /// @notice Guardian: lifts the pause.
    function unpause() external;

    /// @param jobId The job.
    /// @return job The job with its deadlines.
    function getJob(uint256 jobId) external view returns (Job memory job);

    /// @param jobId The job.
    /// @return amount What claimRefund would pay now (0 when nothing is due yet).
    function refundDue(uint256 jobId) external view returns (uint256 amount);

    /// @param account A payout address or the treasury.
    /// @return amount Its withdrawable earnings.
    function earningsOf(address account) external view returns (uint256 amount);

    /// @param jobId The job.
    /// @param action Cancel or ClaimRefund.
    /// @param recipient Who is paid.
    /// @param deadline Last second the signature is valid.
    /// @return digest The EIP-712 digest the controller signs.
    function jobActionDigest(uint256 jobId, JobAction action, address recipient, uint256 deadline)
        external
        view
        returns (bytes32 digest);

    /// @param jobId The job.
    /// @return amount The escrowed budget: max price x GPUs x hours.
    function depositOf(uint256 jobId) external view returns (uint256 amount);

    /// @return The number of jobs (ids run from 1 to this).
    function jobCount() external view returns (uint64);

    /// @return Seconds a provider has to start a routed job once its review window has passed.
    function startWindow() external view returns (uint256);

    /// @return Seconds past the booked hours a provider has to report completion.
    function completionGrace() external view returns (uint256);

    /// @return Where protocol fees accrue (zero until the admin sets a fee).
    function treasury() external view returns (address);

    /// @return The highest protocol fee the admin can set: 1000 basis points (10%).
    function MAX_FEE_BPS() external view returns (uint16);

    /// @return The longest review window a request may ask for: one hour.
    function MAX_REVIEW_SECONDS() external view returns (uint32);

    /// @return The EIP-712 type hash of JobAction(uint256 jobId,uint8 action,address recipient,uint256 deadline).
    function JOB_ACTION_TYPEHASH() external view returns (bytes32);
}
