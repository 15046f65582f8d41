// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {
    IJobRegistry,
    Job,
    JobAction,
    JobMode,
    JobRequest,
    JobSpec,
    JobStatus
} from "./interfaces/IJobRegistry.sol";
import {ITeamAccess, TeamRole} from "./interfaces/ITeamAccess.sol";
import {Area, CapacityState, Offer} from "./interfaces/IProviderRegistry.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";
import {TeamTreasury} from "./TeamTreasury.sol";
import {EscrowMath} from "./libraries/EscrowMath.sol";
import {OfferBook} from "./libraries/OfferBook.sol";
import {TreasuryBook} from "./libraries/TreasuryBook.sol";

/// @title Jobs and their USDC escrow.
/// @notice Jobs and escrow live in one contract on purpose: every escrow movement is a job state
/// transition, so keeping both in one place means one state machine, one set of invariants and no
/// cross-contract call on the hot path. Offers (ProviderRegistry) and team treasuries
/// (TeamTreasury) are inherited for the same reason: `route` checks and reserves capacity, and a
/// team job draws on its treasury, without an external call.
abstract contract JobRegistry is IJobRegistry, ProviderRegistry, TeamTreasury, EIP712 {
    using SafeERC20 for IERC20;
    using OfferBook for OfferBook.Book;

    uint16 public constant MAX_FEE_BPS = 1000;
    uint32 public constant MAX_REVIEW_SECONDS = 1 hours;
    uint256 public constant MIN_START_WINDOW = 10 minutes;
    uint256 public constant MAX_START_WINDOW = 7 days;
    uint256 public constant MIN_COMPLETION_GRACE = 10 minutes;
    uint256 public constant MAX_COMPLETION_GRACE = 30 days;
    bytes32 public constant JOB_ACTION_TYPEHASH =
        keccak256("JobAction(uint256 jobId,uint8 action,address recipient,uint256 deadline)");

    /// @dev `JobRecord.flags`: the excluded pricing models (bit i = PricingModel(i)) and two options.
    uint8 private constant EXCLUDED_PRICING_BITS = 0x1f;
    uint8 private constant FLAG_REROUTE_OPT_IN = 0x20;
    uint8 private constant FLAG_UNTRACKED = 0x40;

    /// @dev How far a job got, which says what `JobRecord.milestone` holds: nothing (not routed),
    /// the end of its review window (routed), its start time (started), its seconds used (completed).
    enum Progress {
        NotStarted,
        Started,
        Completed
    }

    /// @dev A job in three slots. Slot 0 is written once, at request. Slot 1 is the lifecycle: the
    /// provider's start reads and writes only it (it names the offer's provider), and `milestone`
    /// holds one time or duration at a time (see Progress). Slot 2 holds the requested GPU model
    /// until the job is routed or marked unroutable, then the decision root: the model is checked
    /// once, at the first route (a reroute must keep the routed offer's model), and the root then
    /// overwrites a non-zero slot instead of allocating a fourth. That keeps requestJob (team jobs
    /// included), route and startJob within their gas budgets.
    struct JobRecord {
        address controller;
        uint8 flags;
        uint16 gpuCount;
        uint16 minVramGb;
        uint16 hoursRequested;
        bytes2 country;
        Area area;
        uint16 reviewSeconds;
        JobStatus status;
        Progress progress;
        uint32 offerId;
        uint32 providerId;
        uint40 pricePerGpuHour;
        uint40 maxPricePerGpuHour;
        uint16 feeBps;
        uint40 milestone;
        uint32 teamId;
        bytes32 modelOrRoot;
    }

    /// @notice How long a provider has to start a routed job once its review window has passed.
    uint256 public immutable startWindow;
    /// @notice How long past the booked hours a provider has to report completion. A started job
    /// not completed by then expires and its deposit is refunded in full: an unreported job is an
    /// unpaid job.
    uint256 public immutable completionGrace;

    address public treasury;
    mapping(uint256 jobId => JobRecord) internal _jobs;
    mapping(address account => uint256) internal _earnings;

    constructor(IERC20 usdc_, ITeamAccess teamAccess_, uint256 startWindow_, uint256 completionGrace_)
        TeamTreasury(usdc_, teamAccess_)
        EIP712("Necto", "1")
    {
        if (startWindow_ < MIN_START_WINDOW || startWindow_ > MAX_START_WINDOW) {
            revert JobRegistry_StartWindowOutOfRange(startWindow_, MIN_START_WINDOW, MAX_START_WINDOW);
        }
        if (completionGrace_ < MIN_COMPLETION_GRACE || completionGrace_ > MAX_COMPLETION_GRACE) {
            revert JobRegistry_CompletionGraceOutOfRange(
                completionGrace_, MIN_COMPLETION_GRACE, MAX_COMPLETION_GRACE
            );
        }
        startWindow = startWindow_;
        completionGrace = completionGrace_;
    }

    /* REQUEST */

    /// @inheritdoc IJobRegistry
    function requestJob(JobRequest calldata req) external whenNotPaused nonReentrant returns (uint256) {
        return _request(req, _deposit(req));
    }

    /// @inheritdoc IJobRegistry
    function requestJobWithPermit(
        JobRequest calldata req,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused nonReentrant returns (uint256) {
        if (req.teamId != 0) revert JobRegistry_TeamJobFundedByTreasury(req.teamId);
        uint256 amount = _deposit(req);
        // A front-runner may have used the permit already; the allowance is then in place anyway.
        try IERC20Permit(address(usdc)).permit(msg.sender, address(this), amount, permitDeadline, v, r, s) {}
            catch {}
        return _request(req, amount);
    }

    /* ROUTING (keeper) */

    /// @inheritdoc IJobRegistry
    function route(uint256 jobId, uint32 offerId, uint64 pricePerGpuHour, bytes32 decisionRoot)
        external
        onlyRole(KEEPER_ROLE)
        whenNotPaused
    {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Requested);
        Offer storage o = _checkRoute(job, offerId, pricePerGpuHour, decisionRoot);
        bytes16 model = bytes16(job.modelOrRoot);
        if (o.gpuModel != model) revert JobRegistry_GpuModelMismatch(o.gpuModel, model);
        o.gpusInUse += job.gpuCount;
        job.status = JobStatus.Routed;
        uint16 feeBps = _assignRoute(job, o, offerId, pricePerGpuHour, decisionRoot);
        emit JobRouted(jobId, offerId, pricePerGpuHour, feeBps, decisionRoot);
    }

    /// @inheritdoc IJobRegistry
    function reroute(uint256 jobId, uint32 offerId, uint64 pricePerGpuHour, bytes32 decisionRoot)
        external
        onlyRole(KEEPER_ROLE)
        whenNotPaused
    {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Routed);
        if (job.flags & FLAG_REROUTE_OPT_IN == 0) revert JobRegistry_RerouteNotOptedIn(jobId);
        uint32 fromOfferId = job.offerId;
        if (offerId == fromOfferId) revert JobRegistry_SameOffer(offerId);
        Offer storage from = _book.offers[fromOfferId];
        from.gpusInUse -= job.gpuCount;
        Offer storage to = _checkRoute(job, offerId, pricePerGpuHour, decisionRoot);
        if (to.gpuModel != from.gpuModel) revert JobRegistry_GpuModelMismatch(to.gpuModel, from.gpuModel);
        to.gpusInUse += job.gpuCount;
        bytes32 previousRoot = job.modelOrRoot;
        uint16 feeBps = _assignRoute(job, to, offerId, pricePerGpuHour, decisionRoot);
        emit JobRerouted(jobId, fromOfferId, offerId, pricePerGpuHour, feeBps, previousRoot, decisionRoot);
    }

    /// @inheritdoc IJobRegistry
    function markUnroutable(uint256 jobId, bytes32 decisionRoot)
        external
        onlyRole(KEEPER_ROLE)
        whenNotPaused
    {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Requested);
        _checkRoot(decisionRoot);
        job.status = JobStatus.Unroutable;
        job.modelOrRoot = decisionRoot;
        emit JobMarkedUnroutable(jobId, decisionRoot);
        if (job.teamId != 0) _refund(jobId, job, JobStatus.Unroutable, _jobDeposit(job), address(0));
    }

    /* PROVIDER LIFECYCLE */

    /// @inheritdoc IJobRegistry
    function startJob(uint256 jobId) external whenNotPaused {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Routed);
        _checkJobProvider(jobId, job.providerId);
        uint256 reviewEndsAt = job.milestone;
        if (block.timestamp < reviewEndsAt) revert JobRegistry_InReviewWindow(jobId, reviewEndsAt);
        uint256 deadline = reviewEndsAt + startWindow;
        if (block.timestamp > deadline) revert JobRegistry_StartDeadlinePassed(jobId, deadline);
        job.status = JobStatus.Started;
        job.progress = Progress.Started;
        job.milestone = uint40(block.timestamp);
        emit JobStarted(jobId);
    }

    /// @inheritdoc IJobRegistry
    function completeJob(uint256 jobId, uint32 usedSeconds) external {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Started);
        uint32 offerId = job.offerId;
        address payout = _book.providers[_checkJobProvider(jobId, job.providerId)].payout;
        uint256 deadline = _completionDeadline(job);
        if (block.timestamp > deadline) revert JobRegistry_CompletionDeadlinePassed(jobId, deadline);
        uint256 maxSeconds =
            _min(uint256(job.hoursRequested) * EscrowMath.SECONDS_PER_HOUR, block.timestamp - job.milestone);
        if (usedSeconds > maxSeconds) revert JobRegistry_UsedSecondsTooHigh(usedSeconds, maxSeconds);

        uint256 earned = EscrowMath.earnings(job.pricePerGpuHour, job.gpuCount, usedSeconds);
        uint256 protocolFee = EscrowMath.fee(earned, job.feeBps);
        job.status = JobStatus.Completed;
        job.progress = Progress.Completed;
        job.milestone = usedSeconds;
        _book.offers[offerId].gpusInUse -= job.gpuCount;
        _earnings[payout] += earned - protocolFee;
        if (protocolFee != 0) _earnings[treasury] += protocolFee;
        uint256 rest = _jobDeposit(job) - earned;
        emit JobCompleted(jobId, offerId, payout, usedSeconds, earned - protocolFee, protocolFee, rest);
        if (job.teamId != 0) _refund(jobId, job, JobStatus.Completed, rest, address(0));
    }

    /* BUYER: CANCEL, EXPIRE AND REFUND */

    /// @inheritdoc IJobRegistry
    function cancel(uint256 jobId) external nonReentrant {
        _cancel(jobId, _controlledJob(jobId), msg.sender);
    }

    /// @inheritdoc IJobRegistry
    function cancelWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external
        nonReentrant
    {
        _cancel(jobId, _signedJob(jobId, JobAction.Cancel, recipient, deadline, signature), recipient);
    }

    /// @inheritdoc IJobRegistry
    function claimRefund(uint256 jobId) external nonReentrant {
        _claimRefund(jobId, _controlledJob(jobId), msg.sender);
    }

    /// @inheritdoc IJobRegistry
    function claimRefundWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external
        nonReentrant
    {
        _claimRefund(
            jobId, _signedJob(jobId, JobAction.ClaimRefund, recipient, deadline, signature), recipient
        );
    }

    /// @inheritdoc IJobRegistry
    function expire(uint256 jobId) external nonReentrant {
        JobRecord storage job = _existingJob(jobId);
        JobStatus status = job.status;
        uint256 deadline = _deadline(job);
        if (deadline == type(uint256).max || block.timestamp <= deadline) {
            revert JobRegistry_NotExpired(jobId, status, deadline);
        }
        _book.offers[job.offerId].gpusInUse -= job.gpuCount;
        job.status = JobStatus.Expired;
        emit JobExpired(jobId, status);
        if (job.teamId != 0) _refund(jobId, job, JobStatus.Expired, _jobDeposit(job), address(0));
    }

    /// @inheritdoc IJobRegistry
    function withdraw(address to) external nonReentrant {
        if (to == address(0)) revert JobRegistry_ZeroAddress();
        uint256 amount = _earnings[msg.sender];
        if (amount == 0) revert JobRegistry_NothingToWithdraw(msg.sender);
        _earnings[msg.sender] = 0;
        usdc.safeTransfer(to, amount);
        emit EarningsWithdrawn(msg.sender, to, amount);
    }

    /* ADMIN */

    /// @inheritdoc IJobRegistry
    function setProtocolFee(uint16 feeBps, address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (feeBps > MAX_FEE_BPS) revert JobRegistry_FeeTooHigh(feeBps, MAX_FEE_BPS);
        if (treasury_ == address(0)) revert JobRegistry_ZeroAddress();
        _globals.feeBps = feeBps;
        treasury = treasury_;
        emit ProtocolFeeUpdated(feeBps, treasury_);
    }

    /// @inheritdoc IJobRegistry
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _globals.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IJobRegistry
    function unpause() external onlyRole(GUARDIAN_ROLE) {
        _globals.paused = false;
        emit Unpaused(msg.sender);
    }

    /* VIEWS */

    /// @inheritdoc IJobRegistry
    function getJob(uint256 jobId) external view returns (Job memory j) {
        JobRecord storage job = _existingJob(jobId);
        uint8 flags = job.flags;
        JobStatus status = job.status;
        bool routed = job.offerId != 0;
        bool rooted = routed || status == JobStatus.Unroutable || status == JobStatus.Refunded;
        j.controller = job.controller;
        j.mode = flags & FLAG_UNTRACKED != 0 ? JobMode.Untracked : JobMode.Tracked;
        j.status = status;
        j.rerouteOptIn = flags & FLAG_REROUTE_OPT_IN != 0;
        j.excludedPricing = flags & EXCLUDED_PRICING_BITS;
        j.gpuModel =
            routed ? _book.offers[job.offerId].gpuModel : rooted ? bytes16(0) : bytes16(job.modelOrRoot);
        j.gpuCount = job.gpuCount;
        j.minVramGb = job.minVramGb;
        j.hoursRequested = job.hoursRequested;
        j.country = job.country;
        j.area = job.area;
        j.teamId = job.teamId;
        j.reviewSeconds = job.reviewSeconds;
        j.maxPricePerGpuHour = job.maxPricePerGpuHour;
        j.offerId = job.offerId;
        j.pricePerGpuHour = job.pricePerGpuHour;
        j.feeBps = job.feeBps;
        Progress progress = job.progress;
        if (progress == Progress.Completed) {
            j.usedSeconds = uint32(job.milestone);
        } else if (progress == Progress.Started) {
            j.startedAt = job.milestone;
            j.completionDeadline = uint40(_completionDeadline(job));
        } else if (routed) {
            j.reviewEndsAt = job.milestone;
            j.routedAt = job.milestone - job.reviewSeconds;
            j.startDeadline = uint40(job.milestone + startWindow);
        }
        j.decisionRoot = rooted ? job.modelOrRoot : bytes32(0);
    }

    /// @inheritdoc IJobRegistry
    function refundDue(uint256 jobId) external view returns (uint256) {
        JobRecord storage job = _existingJob(jobId);
        (uint256 amount, uint256 dueAt) = _refundTerms(job);
        return block.timestamp > dueAt ? amount : 0;
    }

    /// @inheritdoc IJobRegistry
    function earningsOf(address account) external view returns (uint256) {
        return _earnings[account];
    }

    /// @inheritdoc IJobRegistry
    function jobActionDigest(uint256 jobId, JobAction action, address recipient, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return
            _hashTypedDataV4(keccak256(abi.encode(JOB_ACTION_TYPEHASH, jobId, action, recipient, deadline)));
    }

    /// @inheritdoc IJobRegistry
    function depositOf(uint256 jobId) external view returns (uint256) {
        return _jobDeposit(_existingJob(jobId));
    }

    /// @inheritdoc IJobRegistry
    function jobCount() external view returns (uint64) {
        return _globals.jobCount;
    }

    /* INTERNAL: REQUEST */

    function _deposit(JobRequest calldata req) private pure returns (uint256) {
        JobSpec calldata spec = req.spec;
        return EscrowMath.deposit(req.maxPricePerGpuHour, spec.gpuCount, spec.hoursRequested);
    }

    function _request(JobRequest calldata req, uint256 amount) private returns (uint256 jobId) {
        JobSpec calldata spec = req.spec;
        _checkSpec(req);
        (address controller, uint8 flags) = _controllerAndFlags(req);

        jobId = ++_globals.jobCount;
        uint32 teamId = req.teamId;
        if (teamId != 0) {
            TreasuryBook.commit(_teamFunds[teamId], teamAccess, teamId, msg.sender, jobId, amount);
        }

        _jobs[jobId] = JobRecord({
            controller: controller,
            flags: flags,
            gpuCount: spec.gpuCount,
            minVramGb: spec.minVramGb,
            hoursRequested: spec.hoursRequested,
            country: spec.country,
            area: spec.area,
            reviewSeconds: uint16(req.reviewSeconds),
            status: JobStatus.Requested,
            progress: Progress.NotStarted,
            offerId: 0,
            providerId: 0,
            pricePerGpuHour: 0,
            maxPricePerGpuHour: uint40(req.maxPricePerGpuHour),
            feeBps: 0,
            milestone: 0,
            teamId: teamId,
            modelOrRoot: bytes32(spec.gpuModel)
        });

        if (teamId == 0) TreasuryBook.pullExact(usdc, msg.sender, amount);

        emit JobRequested(
            jobId,
            controller,
            teamId,
            req.mode,
            spec,
            req.maxPricePerGpuHour,
            req.reviewSeconds,
            req.rerouteOptIn,
            amount
        );
    }

    /// @dev The job's controller (the buyer, or the job key of an Untracked job) and its flags.
    function _controllerAndFlags(JobRequest calldata req)
        private
        view
        returns (address controller, uint8 flags)
    {
        flags = req.spec.excludedPricing;
        if (req.rerouteOptIn) flags |= FLAG_REROUTE_OPT_IN;
        if (req.mode == JobMode.Tracked) {
            if (req.jobKey != address(0)) revert JobRegistry_JobKeyNotAllowed(req.jobKey);
            return (msg.sender, flags);
        }
        if (req.jobKey == address(0)) revert JobRegistry_JobKeyRequired();
        if (req.teamId != 0) revert JobRegistry_UntrackedTeamJob(req.teamId);
        return (req.jobKey, flags | FLAG_UNTRACKED);
    }

    function _checkSpec(JobRequest calldata req) private pure {
        JobSpec calldata spec = req.spec;
        if (spec.gpuModel == bytes16(0)) revert JobRegistry_InvalidSpec("gpuModel");
        if (spec.gpuCount == 0) revert JobRegistry_InvalidSpec("gpuCount");
        if (spec.hoursRequested == 0) revert JobRegistry_InvalidSpec("hoursRequested");
        if (spec.excludedPricing > EXCLUDED_PRICING_BITS) revert JobRegistry_InvalidSpec("excludedPricing");
        if (bytes(spec.workloadURI).length == 0) revert JobRegistry_InvalidSpec("workloadURI");
        if (spec.workloadHash == bytes32(0)) revert JobRegistry_InvalidSpec("workloadHash");
        if (req.maxPricePerGpuHour == 0 || req.maxPricePerGpuHour > type(uint40).max) {
            revert JobRegistry_InvalidSpec("maxPricePerGpuHour");
        }
        if (req.reviewSeconds > MAX_REVIEW_SECONDS) revert JobRegistry_InvalidSpec("reviewSeconds");
    }

    /* INTERNAL: ROUTING */

    /// @dev Every hard constraint of a route but the GPU model, which route and reroute check
    /// against what they each know (see JobRecord).
    function _checkRoute(JobRecord storage job, uint32 offerId, uint64 price, bytes32 decisionRoot)
        private
        view
        returns (Offer storage o)
    {
        _checkRoot(decisionRoot);
        if (price == 0) revert JobRegistry_ZeroPrice();
        uint64 maxPrice = job.maxPricePerGpuHour;
        if (price > maxPrice) revert JobRegistry_PriceAboveMax(price, maxPrice);

        o = _book.existingOffer(offerId);
        if (o.state != CapacityState.Available) revert JobRegistry_OfferNotAvailable(offerId, o.state);
        uint16 free = o.gpuCount - o.gpusInUse;
        if (free < job.gpuCount) revert JobRegistry_InsufficientGpus(offerId, free, job.gpuCount);
        uint256 latestEnd = block.timestamp + job.reviewSeconds + startWindow + uint256(job.hoursRequested)
            * EscrowMath.SECONDS_PER_HOUR;
        if (block.timestamp < o.availableFrom || (o.availableUntil != 0 && latestEnd > o.availableUntil)) {
            revert JobRegistry_OutsideWindow(offerId, o.availableFrom, o.availableUntil, latestEnd);
        }
        if (o.vramGb < job.minVramGb) revert JobRegistry_VramTooLow(o.vramGb, job.minVramGb);
        if (
            (job.country != bytes2(0) && o.country != job.country)
                || (job.area != Area.None && o.area != job.area)
        ) {
            revert JobRegistry_RegionMismatch(o.country, o.area, job.country, job.area);
        }
        if (job.flags & (1 << uint8(o.pricing)) != 0) revert JobRegistry_PricingModelExcluded(o.pricing);
        uint64 ceiling = OfferBook.priceCeiling(o);
        if (OfferBook.isPriceExact(o)) {
            if (price != ceiling) revert JobRegistry_PriceMismatch(price, ceiling);
        } else if (price > ceiling) {
            revert JobRegistry_PriceAboveCeiling(price, ceiling);
        }
        uint32 teamId = job.teamId;
        if (teamId != 0) _checkTeamRoute(teamId, job.controller, o.providerId);
    }

    function _checkTeamRoute(uint32 teamId, address submitter, uint32 providerId) private view {
        (bool submitterActive, bool providerAllowed) = teamAccess.routeTerms(teamId, submitter, providerId);
        if (!submitterActive) revert JobRegistry_SubmitterNotActive(teamId, submitter);
        if (!providerAllowed) revert JobRegistry_ProviderNotWhitelisted(teamId, providerId);
    }

    /// @dev Records the route's terms; the review window starts now and the fee in force is fixed.
    function _assignRoute(
        JobRecord storage job,
        Offer storage o,
        uint32 offerId,
        uint64 price,
        bytes32 decisionRoot
    ) private returns (uint16 feeBps) {
        feeBps = _globals.feeBps;
        job.offerId = offerId;
        job.providerId = o.providerId;
        job.pricePerGpuHour = uint40(price);
        job.feeBps = feeBps;
        job.milestone = uint40(block.timestamp + job.reviewSeconds);
        job.modelOrRoot = decisionRoot;
    }

    function _checkRoot(bytes32 decisionRoot) private pure {
        if (decisionRoot == bytes32(0)) revert JobRegistry_InvalidDecisionRoot(decisionRoot);
    }

    /* INTERNAL: CANCEL AND REFUND */

    function _cancel(uint256 jobId, JobRecord storage job, address recipient) private {
        JobStatus status = job.status;
        if (status == JobStatus.Routed) _book.offers[job.offerId].gpusInUse -= job.gpuCount;
        else if (status != JobStatus.Requested) revert JobRegistry_WrongStatus(jobId, status);
        job.status = JobStatus.Cancelled;
        uint256 refund = _jobDeposit(job);
        _payBuyerSide(jobId, job, refund, recipient);
        emit JobCancelled(jobId, status, refund);
    }

    function _claimRefund(uint256 jobId, JobRecord storage job, address recipient) private {
        JobStatus status = job.status;
        (uint256 amount, uint256 dueAt) = _refundTerms(job);
        if (block.timestamp <= dueAt) revert JobRegistry_RefundNotDue(jobId, status, dueAt);
        if (status == JobStatus.Routed || status == JobStatus.Started) {
            _book.offers[job.offerId].gpusInUse -= job.gpuCount;
        }
        _refund(jobId, job, status, amount, recipient);
    }

    /// @dev Closes the job as Refunded and pays what is left of its deposit.
    function _refund(uint256 jobId, JobRecord storage job, JobStatus from, uint256 amount, address recipient)
        private
    {
        job.status = JobStatus.Refunded;
        _payBuyerSide(jobId, job, amount, recipient);
        emit JobRefunded(jobId, from, amount);
    }

    /// @dev The buyer's side of a job goes back to the team's treasury for a team job, else to the
    /// recipient.
    function _payBuyerSide(uint256 jobId, JobRecord storage job, uint256 amount, address recipient) private {
        uint32 teamId = job.teamId;
        if (teamId != 0) {
            TreasuryBook.credit(_teamFunds[teamId], teamId, jobId, _globals.jobCount + 1, amount);
        } else if (amount != 0) {
            usdc.safeTransfer(recipient, amount);
        }
    }

    /// @dev What claimRefund pays for a job in its current status, and after which time.
    /// Statuses with nothing to claim report an unreachable time.
    function _refundTerms(JobRecord storage job) private view returns (uint256 amount, uint256 dueAt) {
        JobStatus status = job.status;
        if (status == JobStatus.Completed) {
            uint256 earned = EscrowMath.earnings(job.pricePerGpuHour, job.gpuCount, uint32(job.milestone));
            return (_jobDeposit(job) - earned, 0);
        }
        if (status == JobStatus.Unroutable || status == JobStatus.Expired) return (_jobDeposit(job), 0);
        return (_jobDeposit(job), _deadline(job));
    }

    /// @dev The start deadline of a Routed job, the completion deadline of a Started one; for any
    /// other status an unreachable time.
    function _deadline(JobRecord storage job) private view returns (uint256) {
        JobStatus status = job.status;
        if (status == JobStatus.Routed) return job.milestone + startWindow;
        if (status == JobStatus.Started) return _completionDeadline(job);
        return type(uint256).max;
    }

    /// @dev The job, after checking that the caller controls it (or is an Admin of its team).
    function _controlledJob(uint256 jobId) private view returns (JobRecord storage job) {
        job = _existingJob(jobId);
        if (job.controller == msg.sender) return job;
        uint32 teamId = job.teamId;
        if (teamId != 0 && teamAccess.roleOf(teamId, msg.sender) == TeamRole.Admin) return job;
        revert JobRegistry_NotController(jobId, msg.sender);
    }

    /// @dev The job, after checking the controller signed the action for this recipient.
    function _signedJob(
        uint256 jobId,
        JobAction action,
        address recipient,
        uint256 deadline,
        bytes calldata signature
    ) private view returns (JobRecord storage job) {
        if (block.timestamp > deadline) revert JobRegistry_SignatureExpired(deadline);
        if (recipient == address(0)) revert JobRegistry_ZeroAddress();
        job = _existingJob(jobId);
        (address signer,,) = ECDSA.tryRecover(jobActionDigest(jobId, action, recipient, deadline), signature);
        if (signer == address(0) || signer != job.controller) {
            revert JobRegistry_InvalidSignature(jobId, signer);
        }
    }

    /* INTERNAL: LOOKUPS AND ARITHMETIC */

    /// @dev Returns the job's provider after checking the caller owns it.
    function _checkJobProvider(uint256 jobId, uint32 providerId) private view returns (uint32) {
        if (_book.providers[providerId].owner != msg.sender) {
            revert JobRegistry_NotJobProvider(jobId, msg.sender);
        }
        return providerId;
    }

    function _jobInStatus(uint256 jobId, JobStatus expected) private view returns (JobRecord storage job) {
        job = _existingJob(jobId);
        if (job.status != expected) revert JobRegistry_WrongStatus(jobId, job.status);
    }

    function _existingJob(uint256 jobId) private view returns (JobRecord storage job) {
        job = _jobs[jobId];
        if (job.status == JobStatus.None) revert JobRegistry_UnknownJob(jobId);
    }

    /// @dev For a started job, whose milestone is its start time.
    function _completionDeadline(JobRecord storage job) private view returns (uint256) {
        return job.milestone + uint256(job.hoursRequested) * EscrowMath.SECONDS_PER_HOUR + completionGrace;
    }

    function _jobDeposit(JobRecord storage job) private view returns (uint256) {
        return EscrowMath.deposit(job.maxPricePerGpuHour, job.gpuCount, job.hoursRequested);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
