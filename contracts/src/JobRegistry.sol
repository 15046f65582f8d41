// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {
    IJobRegistry,
    Job,
    JobAction,
    JobMode,
    JobRequest,
    JobSpec,
    JobStatus
} from "./interfaces/IJobRegistry.sol";
import {ITeamAccess} from "./interfaces/ITeamAccess.sol";
import {Area, CapacityState, Offer, PricingModel} from "./interfaces/IProviderRegistry.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";
import {EscrowMath} from "./libraries/EscrowMath.sol";

/// @title Jobs and their USDC escrow.
/// @notice Jobs and escrow live in one contract on purpose: every escrow movement is a job state
/// transition, so keeping both in one place means one state machine, one set of invariants and no
/// cross-contract call on the hot path. Offers are inherited from ProviderRegistry for the same
/// reason: `route` checks and reserves capacity without an external call.
abstract contract JobRegistry is IJobRegistry, ProviderRegistry, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint16 public constant MAX_FEE_BPS = 1000;
    bytes32 public constant JOB_ACTION_TYPEHASH =
        keccak256("JobAction(uint256 jobId,uint8 action,address recipient,uint256 deadline)");

    /// @dev A job in three slots. The third holds the requested GPU model until the job is routed
    /// or marked unroutable, then the decision root: the model is checked once, at the first route
    /// (a reroute must keep the routed offer's model), and the root then overwrites a non-zero slot
    /// instead of allocating a fourth. That keeps both requestJob and route within their gas budgets.
    struct JobRecord {
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
        uint40 pricePerGpuHour;
        uint40 maxPricePerGpuHour;
        uint32 teamId;
        uint32 routedAt;
        uint32 startedAt;
        uint32 usedSeconds;
        bytes32 modelOrRoot;
    }

    IERC20 public immutable usdc;
    ITeamAccess public immutable teamAccess;
    /// @notice How long a provider has to start a routed job.
    uint256 public immutable startWindow;
    /// @notice How long past the booked hours a provider has to report completion. A started job
    /// not completed by then is refunded in full to the buyer: an unreported job is an unpaid job.
    uint256 public immutable completionGrace;

    address public treasury;
    mapping(uint256 jobId => JobRecord) internal _jobs;
    mapping(address account => uint256) internal _earnings;

    constructor(IERC20 usdc_, ITeamAccess teamAccess_, uint256 startWindow_, uint256 completionGrace_)
        EIP712("Necto", "1")
    {
        usdc = usdc_;
        teamAccess = teamAccess_;
        startWindow = startWindow_;
        completionGrace = completionGrace_;
    }

    modifier whenNotPaused() {
        if (_globals.paused) revert JobRegistry_Paused();
        _;
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
        job.offerId = offerId;
        job.pricePerGpuHour = uint40(pricePerGpuHour);
        job.routedAt = uint32(block.timestamp);
        job.modelOrRoot = decisionRoot;
        emit JobRouted(jobId, offerId, pricePerGpuHour, decisionRoot);
    }

    /// @inheritdoc IJobRegistry
    function reroute(uint256 jobId, uint32 offerId, uint64 pricePerGpuHour, bytes32 decisionRoot)
        external
        onlyRole(KEEPER_ROLE)
        whenNotPaused
    {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Routed);
        if (!job.rerouteOptIn) revert JobRegistry_RerouteNotOptedIn(jobId);
        uint32 fromOfferId = job.offerId;
        if (offerId == fromOfferId) revert JobRegistry_SameOffer(offerId);
        Offer storage from = _offers[fromOfferId];
        from.gpusInUse -= job.gpuCount;
        Offer storage to = _checkRoute(job, offerId, pricePerGpuHour, decisionRoot);
        if (to.gpuModel != from.gpuModel) revert JobRegistry_GpuModelMismatch(to.gpuModel, from.gpuModel);
        to.gpusInUse += job.gpuCount;
        bytes32 previousRoot = job.modelOrRoot;
        job.offerId = offerId;
        job.pricePerGpuHour = uint40(pricePerGpuHour);
        job.routedAt = uint32(block.timestamp);
        job.modelOrRoot = decisionRoot;
        emit JobRerouted(jobId, fromOfferId, offerId, pricePerGpuHour, previousRoot, decisionRoot);
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
    }

    /* PROVIDER LIFECYCLE */

    /// @inheritdoc IJobRegistry
    function startJob(uint256 jobId) external {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Routed);
        uint32 offerId = job.offerId;
        _checkJobProvider(jobId, offerId);
        uint256 deadline = job.routedAt + startWindow;
        if (block.timestamp > deadline) revert JobRegistry_StartDeadlinePassed(jobId, deadline);
        job.status = JobStatus.Started;
        job.startedAt = uint32(block.timestamp);
        emit JobStarted(jobId, offerId);
    }

    /// @inheritdoc IJobRegistry
    function completeJob(uint256 jobId, uint32 usedSeconds) external {
        JobRecord storage job = _jobInStatus(jobId, JobStatus.Started);
        uint32 offerId = job.offerId;
        address payout = _providers[_checkJobProvider(jobId, offerId)].payout;
        uint256 deadline = _completionDeadline(job);
        if (block.timestamp > deadline) revert JobRegistry_CompletionDeadlinePassed(jobId, deadline);
        uint256 maxSeconds =
            _min(uint256(job.hoursRequested) * EscrowMath.SECONDS_PER_HOUR, block.timestamp - job.startedAt);
        if (usedSeconds > maxSeconds) revert JobRegistry_UsedSecondsTooHigh(usedSeconds, maxSeconds);

        uint256 earned = EscrowMath.earnings(job.pricePerGpuHour, job.gpuCount, usedSeconds);
        uint256 protocolFee = EscrowMath.fee(earned, _globals.feeBps);
        job.status = JobStatus.Completed;
        job.usedSeconds = usedSeconds;
        _offers[offerId].gpusInUse -= job.gpuCount;
        _earnings[payout] += earned - protocolFee;
        if (protocolFee != 0) _earnings[treasury] += protocolFee;
        emit JobCompleted(
            jobId, offerId, payout, usedSeconds, earned - protocolFee, protocolFee, _jobDeposit(job) - earned
        );
    }

    /* BUYER: CANCEL AND REFUND */

    /// @inheritdoc IJobRegistry
    function cancel(uint256 jobId) external nonReentrant {
        _checkController(jobId);
        _cancel(jobId, msg.sender);
    }

    /// @inheritdoc IJobRegistry
    function cancelWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external
        nonReentrant
    {
        _checkSignature(jobId, JobAction.Cancel, recipient, deadline, signature);
        _cancel(jobId, recipient);
    }

    /// @inheritdoc IJobRegistry
    function claimRefund(uint256 jobId) external nonReentrant {
        _checkController(jobId);
        _claimRefund(jobId, msg.sender);
    }

    /// @inheritdoc IJobRegistry
    function claimRefundWithSig(uint256 jobId, address recipient, uint256 deadline, bytes calldata signature)
        external
        nonReentrant
    {
        _checkSignature(jobId, JobAction.ClaimRefund, recipient, deadline, signature);
        _claimRefund(jobId, recipient);
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
    function getJob(uint256 jobId) external view returns (Job memory) {
        JobRecord storage job = _existingJob(jobId);
        bool routed = job.offerId != 0;
        bool rooted = routed || job.status == JobStatus.Unroutable || job.status == JobStatus.Refunded;
        bytes16 model =
            routed ? _offers[job.offerId].gpuModel : rooted ? bytes16(0) : bytes16(job.modelOrRoot);
        return Job({
            controller: job.controller,
            mode: job.mode,
            rerouteOptIn: job.rerouteOptIn,
            excludedPricing: job.excludedPricing,
            gpuCount: job.gpuCount,
            minVramGb: job.minVramGb,
            hoursRequested: job.hoursRequested,
            country: job.country,
            area: job.area,
            status: job.status,
            offerId: job.offerId,
            pricePerGpuHour: job.pricePerGpuHour,
            maxPricePerGpuHour: job.maxPricePerGpuHour,
            teamId: job.teamId,
            routedAt: job.routedAt,
            startedAt: job.startedAt,
            usedSeconds: job.usedSeconds,
            gpuModel: model,
            decisionRoot: rooted ? job.modelOrRoot : bytes32(0)
        });
    }

    /// @inheritdoc IJobRegistry
    function refundDue(uint256 jobId) external view returns (uint256) {
        JobRecord storage job = _existingJob(jobId);
        (uint256 amount, uint256 dueAt) = _refund(job);
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

    /// @notice The escrowed budget of a job.
    function depositOf(uint256 jobId) external view returns (uint256) {
        return _jobDeposit(_existingJob(jobId));
    }

    /* INTERNAL */

    function _deposit(JobRequest calldata req) private pure returns (uint256) {
        JobSpec calldata spec = req.spec;
        return EscrowMath.deposit(req.maxPricePerGpuHour, spec.gpuCount, spec.hoursRequested);
    }

    function _request(JobRequest calldata req, uint256 amount) private returns (uint256 jobId) {
        JobSpec calldata spec = req.spec;
        _checkSpec(req);
        address controller;
        if (req.mode == JobMode.Tracked) {
            if (req.jobKey != address(0)) revert JobRegistry_JobKeyNotAllowed(req.jobKey);
            controller = msg.sender;
        } else {
            if (req.jobKey == address(0)) revert JobRegistry_JobKeyRequired();
            if (req.teamId != 0) revert JobRegistry_UntrackedTeamJob(req.teamId);
            controller = req.jobKey;
        }

        jobId = ++_globals.jobCount;
        if (req.teamId != 0) teamAccess.recordSpend(req.teamId, msg.sender, jobId, amount);

        _jobs[jobId] = JobRecord({
            controller: controller,
            mode: req.mode,
            rerouteOptIn: req.rerouteOptIn,
            excludedPricing: spec.excludedPricing,
            gpuCount: spec.gpuCount,
            minVramGb: spec.minVramGb,
            hoursRequested: spec.hoursRequested,
            country: spec.country,
            area: spec.area,
            status: JobStatus.Requested,
            offerId: 0,
            pricePerGpuHour: 0,
            maxPricePerGpuHour: uint40(req.maxPricePerGpuHour),
            teamId: req.teamId,
            routedAt: 0,
            startedAt: 0,
            usedSeconds: 0,
            modelOrRoot: bytes32(spec.gpuModel)
        });

        uint256 balanceBefore = usdc.balanceOf(address(this));
        usdc.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = usdc.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert JobRegistry_UnsupportedToken(amount, received);

        emit JobRequested(
            jobId, controller, req.teamId, req.mode, spec, req.maxPricePerGpuHour, req.rerouteOptIn, amount
        );
    }

    function _checkSpec(JobRequest calldata req) private pure {
        JobSpec calldata spec = req.spec;
        if (spec.gpuModel == bytes16(0)) revert JobRegistry_InvalidSpec("gpuModel");
        if (spec.gpuCount == 0) revert JobRegistry_InvalidSpec("gpuCount");
        if (spec.hoursRequested == 0) revert JobRegistry_InvalidSpec("hoursRequested");
        if (spec.excludedPricing >= 1 << (uint8(type(PricingModel).max) + 1)) {
            revert JobRegistry_InvalidSpec("excludedPricing");
        }
        if (bytes(spec.workloadURI).length == 0) revert JobRegistry_InvalidSpec("workloadURI");
        if (spec.workloadHash == bytes32(0)) revert JobRegistry_InvalidSpec("workloadHash");
        if (req.maxPricePerGpuHour == 0 || req.maxPricePerGpuHour > type(uint40).max) {
            revert JobRegistry_InvalidSpec("maxPricePerGpuHour");
        }
    }

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

        o = _existingOffer(offerId);
        if (o.state != CapacityState.Available) revert JobRegistry_OfferNotAvailable(offerId, o.state);
        uint16 free = o.gpuCount - o.gpusInUse;
        if (free < job.gpuCount) revert JobRegistry_InsufficientGpus(offerId, free, job.gpuCount);
        uint256 jobEnd = block.timestamp + uint256(job.hoursRequested) * EscrowMath.SECONDS_PER_HOUR;
        if (block.timestamp < o.availableFrom || (o.availableUntil != 0 && jobEnd > o.availableUntil)) {
            revert JobRegistry_OutsideWindow(offerId, o.availableFrom, o.availableUntil, jobEnd);
        }
        if (o.vramGb < job.minVramGb) revert JobRegistry_VramTooLow(o.vramGb, job.minVramGb);
        if (
            (job.country != bytes2(0) && o.country != job.country)
                || (job.area != Area.None && o.area != job.area)
        ) {
            revert JobRegistry_RegionMismatch(o.country, o.area, job.country, job.area);
        }
        if (job.excludedPricing & (1 << uint8(o.pricing)) != 0) {
            revert JobRegistry_PricingModelExcluded(o.pricing);
        }
        if (!o.gateway && (o.pricing == PricingModel.Fixed || o.pricing == PricingModel.Dynamic)) {
            uint64 onchainPrice = currentPrice(offerId);
            if (price != onchainPrice) revert JobRegistry_PriceMismatch(price, onchainPrice);
        }
        uint32 teamId = job.teamId;
        if (teamId != 0 && !teamAccess.isProviderAllowed(teamId, o.providerId)) {
            revert JobRegistry_ProviderNotWhitelisted(teamId, o.providerId);
        }
    }

    function _checkRoot(bytes32 decisionRoot) private pure {
        if (decisionRoot == bytes32(0)) revert JobRegistry_InvalidDecisionRoot(decisionRoot);
    }

    function _cancel(uint256 jobId, address recipient) private {
        JobRecord storage job = _jobs[jobId];
        JobStatus status = job.status;
        if (status == JobStatus.Routed) _offers[job.offerId].gpusInUse -= job.gpuCount;
        else if (status != JobStatus.Requested) revert JobRegistry_WrongStatus(jobId, status);
        job.status = JobStatus.Cancelled;
        uint256 refund = _jobDeposit(job);
        usdc.safeTransfer(recipient, refund);
        emit JobCancelled(jobId, refund);
    }

    function _claimRefund(uint256 jobId, address recipient) private {
        JobRecord storage job = _jobs[jobId];
        JobStatus status = job.status;
        (uint256 amount, uint256 dueAt) = _refund(job);
        if (block.timestamp <= dueAt) revert JobRegistry_RefundNotDue(jobId, status, dueAt);
        if (status == JobStatus.Routed || status == JobStatus.Started) {
            _offers[job.offerId].gpusInUse -= job.gpuCount;
        }
        job.status = JobStatus.Refunded;
        if (amount != 0) usdc.safeTransfer(recipient, amount);
        emit JobRefunded(jobId, status, amount);
    }

    /// @dev What claimRefund pays for a job in its current status, and after which time.
    /// Statuses with nothing to claim report an unreachable time.
    function _refund(JobRecord storage job) private view returns (uint256 amount, uint256 dueAt) {
        JobStatus status = job.status;
        if (status == JobStatus.Completed) {
            uint256 earned = EscrowMath.earnings(job.pricePerGpuHour, job.gpuCount, job.usedSeconds);
            return (_jobDeposit(job) - earned, 0);
        }
        if (status == JobStatus.Unroutable) return (_jobDeposit(job), 0);
        if (status == JobStatus.Routed) return (_jobDeposit(job), job.routedAt + startWindow);
        if (status == JobStatus.Started) return (_jobDeposit(job), _completionDeadline(job));
        return (0, type(uint256).max);
    }

    function _checkController(uint256 jobId) private view {
        if (_existingJob(jobId).controller != msg.sender) {
            revert JobRegistry_NotController(jobId, msg.sender);
        }
    }

    function _checkSignature(
        uint256 jobId,
        JobAction action,
        address recipient,
        uint256 deadline,
        bytes calldata signature
    ) private view {
        if (block.timestamp > deadline) revert JobRegistry_SignatureExpired(deadline);
        if (recipient == address(0)) revert JobRegistry_ZeroAddress();
        address controller = _existingJob(jobId).controller;
        (address signer,,) = ECDSA.tryRecover(jobActionDigest(jobId, action, recipient, deadline), signature);
        if (signer == address(0) || signer != controller) revert JobRegistry_InvalidSignature(jobId, signer);
    }

    /// @dev Returns the job's provider after checking the caller owns it.
    function _checkJobProvider(uint256 jobId, uint32 offerId) private view returns (uint32 providerId) {
        providerId = _offers[offerId].providerId;
        if (_providers[providerId].owner != msg.sender) revert JobRegistry_NotJobProvider(jobId, msg.sender);
    }

    function _jobInStatus(uint256 jobId, JobStatus expected) private view returns (JobRecord storage job) {
        job = _existingJob(jobId);
        if (job.status != expected) revert JobRegistry_WrongStatus(jobId, job.status);
    }

    function _existingJob(uint256 jobId) private view returns (JobRecord storage job) {
        job = _jobs[jobId];
        if (job.status == JobStatus.None) revert JobRegistry_UnknownJob(jobId);
    }

    function _completionDeadline(JobRecord storage job) private view returns (uint256) {
        return job.startedAt + uint256(job.hoursRequested) * EscrowMath.SECONDS_PER_HOUR + completionGrace;
    }

    function _jobDeposit(JobRecord storage job) private view returns (uint256) {
        return EscrowMath.deposit(job.maxPricePerGpuHour, job.gpuCount, job.hoursRequested);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
