// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Vm} from "forge-std/Vm.sol";

import {INectoMarket} from "../../src/interfaces/INectoMarket.sol";
import {TeamAccess} from "../../src/TeamAccess.sol";
import {LocalUSDC} from "../../src/tokens/LocalUSDC.sol";
import {TeamRole} from "../../src/interfaces/ITeamAccess.sol";
import {
    Area,
    CapacityState,
    Offer,
    OfferParams,
    PricingModel
} from "../../src/interfaces/IProviderRegistry.sol";
import {Job, JobAction, JobMode, JobRequest, JobStatus} from "../../src/interfaces/IJobRegistry.sol";

/// @notice What the handler knows about a job, recorded when it made the calls, independently of
/// the market's own bookkeeping.
/// `refundPaid` is what reached the buyer side: a wallet, or the team's treasury for a team job.
struct GhostJob {
    address funder;
    address controller;
    uint256 controllerKey;
    uint256 deposit;
    uint256 earned;
    uint256 refundPaid;
    uint8 buyerPayments;
    bool untracked;
    bool team;
    uint16 gpuCount;
    uint32 reviewSeconds;
    uint40 reviewEndsAt;
    uint40 startedAt;
    uint16 feeBps;
    uint64 price;
    uint64 ceiling;
    bytes32 root;
    JobStatus seenStatus;
    uint32 seenOffer;
}

/// @title Drives NectoMarket with valid calls only (fail_on_revert = true).
/// @notice Every action bounds its inputs and picks jobs, offers and callers that make the call
/// valid. When no candidate exists, it does nothing. After every action it looks at every job and
/// records any status transition or decision-root change the README forbids. The invariants
/// assert that none was recorded.
contract Handler is CommonBase, StdCheats, StdUtils {
    uint256 internal constant MAX_PROVIDERS = 10;
    uint256 internal constant MAX_OFFERS = 24;
    uint256 internal constant MAX_WARP = 3 hours;
    uint256 internal constant MAX_TEAM_DEPOSIT = 2_000e6;
    uint256 internal constant BUYER_COUNT = 4;
    bytes16 internal constant H100 = "H100-80G";
    bytes16 internal constant A100 = "A100-80G";

    INectoMarket public immutable market;
    LocalUSDC public immutable usdc;
    TeamAccess public immutable team;
    uint32 public immutable teamId;
    address internal immutable admin;
    address internal immutable keeper;
    address internal immutable guardian;
    address internal immutable teamAdmin;
    address internal immutable relayer;
    uint256 internal immutable startWindow;
    uint256 internal immutable completionGrace;

    /// @dev The clock, carried from call to call so that the handler never depends on whether the
    /// fuzzer keeps block changes between calls.
    uint256 public currentTimestamp;

    address[] internal _buyers;
    mapping(address buyer => uint256) internal _buyerKey;
    mapping(address account => bool) public isBuyer;
    mapping(address buyer => bool) internal _isTeamMember;
    address[] internal _earners;
    mapping(address account => bool) internal _isEarner;
    address[] internal _payouts;
    address[3] internal _treasuries;
    address[3] internal _recipients;

    mapping(uint256 jobId => GhostJob) internal _ghost;
    uint256[] internal _untrackedJobs;
    uint256 internal _freshNonce;
    uint256 internal _rootNonce;
    uint256 internal _target;

    /* GHOST SUMS */

    /// @dev USDC into the market (job deposits from wallets, team deposits) and out of it.
    uint256 public ghostDeposited;
    uint256 public ghostRefunded;
    uint256 public ghostWithdrawn;
    uint256 public ghostEarned;
    uint256 public ghostTeamDeposited;
    uint256 public ghostTeamWithdrawn;

    /* VIOLATIONS SEEN BY THE HANDLER */

    uint256 public illegalTransitions;
    string public lastIllegalTransition;
    uint256 public rootOverwrites;
    uint256 public lastRootOverwriteJob;
    uint256 public settlementMismatches;
    uint256 public buyerLogLeaks;
    uint256 public buyerStorageLeaks;
    uint256 public expireMismatches;
    uint256 public startsInReviewWindow;
    uint256 public startsWhilePaused;
    uint256 public routesAboveCeiling;

    /* CALL COUNTS: actions that did something */

    mapping(bytes32 action => uint256) public calls;

    constructor(
        INectoMarket market_,
        LocalUSDC usdc_,
        TeamAccess team_,
        uint32 teamId_,
        address admin_,
        address keeper_,
        address guardian_,
        address teamAdmin_
    ) {
        market = market_;
        usdc = usdc_;
        team = team_;
        teamId = teamId_;
        admin = admin_;
        keeper = keeper_;
        guardian = guardian_;
        teamAdmin = teamAdmin_;
        relayer = makeAddr("relayer");
        startWindow = market_.startWindow();
        completionGrace = market_.completionGrace();
        currentTimestamp = block.timestamp;

        for (uint256 i; i < BUYER_COUNT; ++i) {
            (address buyer, uint256 key) = makeAddrAndKey(string.concat("buyer-", vm.toString(i)));
            _buyers.push(buyer);
            _buyerKey[buyer] = key;
            isBuyer[buyer] = true;
            vm.prank(buyer);
            usdc.approve(address(market), type(uint256).max);
        }
        // Two buyers also submit for the team.
        for (uint256 i; i < 2; ++i) {
            vm.prank(teamAdmin);
            team.setRole(teamId, _buyers[i], TeamRole.User);
            _isTeamMember[_buyers[i]] = true;
        }
        for (uint256 i; i < 3; ++i) {
            _treasuries[i] = makeAddr(string.concat("treasury-", vm.toString(i)));
            _recipients[i] = makeAddr(string.concat("recipient-", vm.toString(i)));
        }
        for (uint32 id = 1; id <= market.providerCount(); ++id) {
            _addPayout(market.getProvider(id).payout);
        }
    }

    /// @dev Restores the clock, runs the action, then checks every job against what was seen before.
    modifier observe() {
        vm.warp(currentTimestamp);
        _target = 0;
        _;
        currentTimestamp = block.timestamp;
        _scan();
    }

    /* PROVIDERS AND OFFERS */

    /// @notice Registers a Necto seller or (as admin) a gateway, with a fresh owner and payout, and
    /// lists its first offer.
    function registerProvider(bool gateway, uint256 offerSeed) external observe {
        if (market.providerCount() >= MAX_PROVIDERS || market.offerCount() >= MAX_OFFERS) return;
        address owner = _fresh("owner");
        address payout = _fresh("payout");
        uint32 providerId;
        if (gateway) {
            bytes12 sourceTag = bytes12(bytes.concat("gw-", bytes(vm.toString(_freshNonce))));
            vm.prank(admin);
            providerId = market.registerGateway(sourceTag, owner, payout, "ipfs://gateway");
        } else {
            vm.prank(owner);
            providerId = market.registerProvider(payout, "ipfs://seller");
        }
        _addPayout(payout);
        OfferParams memory params = _offerParams(offerSeed, gateway);
        vm.prank(owner);
        market.addOffer(providerId, params);
        calls["registerProvider"]++;
    }

    /// @notice The owner of an existing provider lists another offer.
    function addOffer(uint256 providerSeed, uint256 offerSeed) external observe {
        if (market.offerCount() >= MAX_OFFERS) return;
        uint32 providerId = uint32(providerSeed % market.providerCount() + 1);
        bool gateway = market.getProvider(providerId).sourceTag != bytes12(0);
        OfferParams memory params = _offerParams(offerSeed, gateway);
        address owner = market.getProvider(providerId).owner;
        vm.prank(owner);
        market.addOffer(providerId, params);
        calls["addOffer"]++;
    }

    /// @notice The offer's owner changes its state and GPU count, never below the GPUs in use.
    function setCapacity(uint256 offerSeed, uint256 stateSeed, uint256 countSeed) external observe {
        uint32 offerId = uint32(offerSeed % market.offerCount() + 1);
        Offer memory offer = market.getOffer(offerId);
        uint256 minCount = offer.gpusInUse == 0 ? 1 : offer.gpusInUse;
        uint16 gpuCount = uint16(_bound(countSeed, minCount, 32));
        // Half of the changes leave the offer Available, so routing keeps finding capacity.
        uint256 s = stateSeed % 4;
        CapacityState state = s < 2 ? CapacityState.Available : CapacityState(s - 1);
        address owner = market.getProvider(offer.providerId).owner;
        vm.prank(owner);
        market.setCapacity(offerId, state, gpuCount);
        calls["setCapacity"]++;
    }

    /// @notice The offer's owner reprices it (its ceiling, for Token and gateway offers), for new
    /// routes only.
    function setPricing(uint256 offerSeed, uint256 pricingSeed) external observe {
        uint32 offerId = uint32(offerSeed % market.offerCount() + 1);
        Offer memory offer = market.getOffer(offerId);
        OfferParams memory p = _offerParams(pricingSeed, offer.gateway);
        vm.prank(market.getProvider(offer.providerId).owner);
        market.setPricing(offerId, p.pricing, p.price, p.demandSlopeBps, p.tokenId, p.tokenAmount);
        calls["setPricing"]++;
    }

    /// @notice The provider's owner moves its payout, to a fresh address or to another payout.
    function updateProvider(uint256 providerSeed, uint256 payoutSeed) external observe {
        uint32 providerId = uint32(providerSeed % market.providerCount() + 1);
        address payout = payoutSeed % 2 == 0 ? _fresh("payout") : _payouts[payoutSeed % _payouts.length];
        _addPayout(payout);
        address owner = market.getProvider(providerId).owner;
        vm.prank(owner);
        market.updateProvider(providerId, payout, "ipfs://seller-v2");
        calls["updateProvider"]++;
    }

    /* REQUESTS */

    /// @notice A buyer requests a Tracked job: for the team, drawn on its treasury (topped up by
    /// its Admin when short), when it is a member and `forTeam`; otherwise from its own wallet.
    function requestTracked(uint256 buyerSeed, uint256 specSeed, bool forTeam, bool rerouteOptIn)
        external
        observe
    {
        if (market.paused()) return;
        address buyer = _buyers[buyerSeed % BUYER_COUNT];
        JobRequest memory req = _request(specSeed, rerouteOptIn);
        bool forTheTeam = forTeam && _isTeamMember[buyer];
        uint256 deposit = _depositOf(req);
        if (forTheTeam) {
            req.teamId = teamId;
            (uint256 balance,,,) = market.teamFunds(teamId);
            if (balance < deposit) _depositToTeam(deposit - balance);
        } else {
            _fund(buyer, deposit);
        }

        vm.prank(buyer);
        uint256 jobId = market.requestJob(req);
        _recordRequest(jobId, buyer, buyer, _buyerKey[buyer], deposit, req);
        if (forTheTeam) _ghost[jobId].team = true;
        else ghostDeposited += deposit;
        calls["requestTracked"]++;
    }

    /// @notice A buyer funds an Untracked job controlled by a fresh job key. The market's logs and
    /// storage writes during the request are searched for every buyer's address.
    function requestUntracked(uint256 buyerSeed, uint256 specSeed, bool rerouteOptIn) external observe {
        if (market.paused()) return;
        address buyer = _buyers[buyerSeed % BUYER_COUNT];
        uint256 jobKeyPk =
            uint256(keccak256(abi.encode("necto.jobKey", ++_freshNonce))) % (SECP256K1_ORDER - 1) + 1;
        address jobKey = vm.addr(jobKeyPk);
        JobRequest memory req = _request(specSeed, rerouteOptIn);
        req.mode = JobMode.Untracked;
        req.jobKey = jobKey;
        uint256 deposit = _depositOf(req);
        _fund(buyer, deposit);

        vm.getRecordedLogs(); // drain whatever an earlier action left
        vm.recordLogs();
        vm.record();
        vm.prank(buyer);
        uint256 jobId = market.requestJob(req);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        (, bytes32[] memory writes) = vm.accesses(address(market));
        vm.stopRecord();

        _checkNoBuyerInLogs(logs);
        _checkNoBuyerInStorage(writes);
        _recordRequest(jobId, buyer, jobKey, jobKeyPk, deposit, req);
        ghostDeposited += deposit;
        _ghost[jobId].untracked = true;
        _untrackedJobs.push(jobId);
        calls["requestUntracked"]++;
    }

    /* KEEPER */

    /// @notice The keeper routes a Requested job (the first, from a random position, that some
    /// offer can take) to an offer that passes every check of `route`. First it tries the same
    /// route above the offer's committed ceiling (Token and gateway offers), which must fail.
    function route(uint256 jobSeed, uint256 offerSeed, uint256 priceSeed) external observe {
        if (market.paused()) return;
        (uint256 jobId, uint32 offerId, uint64 price) = _findRoute(jobSeed, offerSeed, priceSeed);
        if (jobId == 0) return;
        bytes32 root = _nextRoot();
        _target = jobId;
        _tryAboveCeiling(abi.encodeCall(market.route, (jobId, offerId, 0, root)), jobId, offerId);

        vm.prank(keeper);
        market.route(jobId, offerId, price, root);
        _recordRoute(jobId, offerId, price, root);
        calls["route"]++;
    }

    /// @notice The keeper moves a Routed job that opted in to another matching offer. The only
    /// action allowed to replace a job's decision root.
    function reroute(uint256 jobSeed, uint256 offerSeed, uint256 priceSeed) external observe {
        if (market.paused()) return;
        uint256 jobId = _pickJob(jobSeed, _isReroutable);
        if (jobId == 0) return;
        (uint32 offerId, uint64 price) = _findOffer(jobId, offerSeed, priceSeed, _ghost[jobId].seenOffer);
        if (offerId == 0) return;
        bytes32 root = _nextRoot();
        _target = jobId;
        _tryAboveCeiling(abi.encodeCall(market.reroute, (jobId, offerId, 0, root)), jobId, offerId);

        vm.prank(keeper);
        market.reroute(jobId, offerId, price, root);
        _recordRoute(jobId, offerId, price, root);
        calls["reroute"]++;
    }

    /// @notice The keeper marks a Requested job unroutable.
    function markUnroutable(uint256 jobSeed) external observe {
        if (market.paused()) return;
        uint256 jobId = _pickJob(jobSeed, _isRequested);
        if (jobId == 0) return;
        bytes32 root = _nextRoot();
        _target = jobId;
        (address payee, uint256 before) = _buyerSide(jobId, address(0));

        vm.prank(keeper);
        market.markUnroutable(jobId, root);
        _ghost[jobId].root = root;
        // A team job's deposit goes straight back to its treasury.
        if (_ghost[jobId].team) _recordBuyerPayment(jobId, _received(payee, before));
        calls["markUnroutable"]++;
    }

    /* PROVIDERS' LIFECYCLE */

    /// @notice The offer's owner starts a Routed job between the end of its review window and its
    /// start deadline. Before that it tries to start inside the review window, and while the market
    /// is paused it only tries: both must fail.
    function startJob(uint256 jobSeed, uint256 delay) external observe {
        uint256 jobId = _pickJob(jobSeed, _isStartable);
        if (jobId == 0) return;
        GhostJob storage g = _ghost[jobId];
        address owner = _jobOwner(jobId);
        bytes memory start = abi.encodeCall(market.startJob, (jobId));
        if (market.paused()) {
            if (_succeeds(owner, start)) startsWhilePaused++;
            return;
        }
        if (block.timestamp < g.reviewEndsAt && _succeeds(owner, start)) startsInReviewWindow++;
        uint256 earliest = g.reviewEndsAt > block.timestamp ? g.reviewEndsAt : block.timestamp;
        uint256 deadline = g.reviewEndsAt + startWindow;
        vm.warp(earliest + _bound(delay, 0, deadline - earliest));
        _target = jobId;

        vm.prank(owner);
        market.startJob(jobId);
        g.startedAt = uint40(block.timestamp);
        calls["startJob"]++;
    }

    /// @notice The offer's owner completes a Started job with a valid usedSeconds. The handler
    /// checks the provider and treasury were credited the earnings and fee, and nothing else.
    function completeJob(uint256 jobSeed, uint256 delay, uint256 usedSeed) external observe {
        uint256 jobId = _pickJob(jobSeed, _isCompletable);
        if (jobId == 0) return;
        GhostJob storage g = _ghost[jobId];
        vm.warp(block.timestamp + _bound(delay, 0, _completionDeadline(jobId) - block.timestamp));
        uint256 booked = uint256(market.getJob(jobId).hoursRequested) * 1 hours;
        uint256 elapsed = block.timestamp - g.startedAt;
        uint32 usedSeconds = uint32(_bound(usedSeed, 0, booked < elapsed ? booked : elapsed));

        address owner = _jobOwner(jobId);
        address payout = market.getProvider(market.getOffer(g.seenOffer).providerId).payout;
        address treasury = market.treasury();
        uint256 payoutBefore = market.earningsOf(payout);
        uint256 treasuryBefore = market.earningsOf(treasury);
        uint256 earned = uint256(g.price) * g.gpuCount * usedSeconds / 1 hours;
        // The fee fixed when the job was routed, whatever the admin set since.
        uint256 fee = earned * g.feeBps / 10_000;
        (address payee, uint256 before) = _buyerSide(jobId, address(0));
        _target = jobId;

        vm.prank(owner);
        market.completeJob(jobId, usedSeconds);
        g.earned = earned;
        ghostEarned += earned;
        // A team job's rest goes straight back to its treasury.
        if (g.team) _recordBuyerPayment(jobId, _received(payee, before));
        if (
            market.earningsOf(payout) - payoutBefore != earned - fee
                || market.earningsOf(treasury) - treasuryBefore != fee
        ) settlementMismatches++;
        calls["completeJob"]++;
    }

    /* BUYERS: CANCEL AND REFUND */

    /// @notice The controller (buyer or job key) cancels a Requested or Routed job.
    function cancel(uint256 jobSeed) external observe {
        uint256 jobId = _pickJob(jobSeed, _isCancellable);
        if (jobId == 0) return;
        address controller = _ghost[jobId].controller;
        (address payee, uint256 before) = _buyerSide(jobId, controller);
        _target = jobId;

        vm.prank(controller);
        market.cancel(jobId);
        _recordBuyerPayment(jobId, _received(payee, before));
        calls["cancel"]++;
    }

    /// @notice A relayer cancels with the controller's signature, paying another recipient.
    function cancelWithSig(uint256 jobSeed, uint256 recipientSeed, uint256 deadlineSeed) external observe {
        uint256 jobId = _pickJob(jobSeed, _isCancellable);
        if (jobId == 0) return;
        address recipient = _recipients[recipientSeed % _recipients.length];
        uint256 deadline = block.timestamp + _bound(deadlineSeed, 0, 1 days);
        bytes memory signature = _sign(jobId, JobAction.Cancel, recipient, deadline);
        (address payee, uint256 before) = _buyerSide(jobId, recipient);
        _target = jobId;

        vm.prank(relayer);
        market.cancelWithSig(jobId, recipient, deadline, signature);
        _recordBuyerPayment(jobId, _received(payee, before));
        calls["cancelWithSig"]++;
    }

    /// @notice The controller claims what is due. A Routed or Started job is claimed just past its
    /// start or completion deadline, warping the clock there when needed.
    function claimRefund(uint256 jobSeed) external observe {
        uint256 jobId = _pickJob(jobSeed, _isRefundable);
        if (jobId == 0) return;
        _warpPastRefundDeadline(jobId);
        address controller = _ghost[jobId].controller;
        (address payee, uint256 before) = _buyerSide(jobId, controller);
        _target = jobId;

        vm.prank(controller);
        market.claimRefund(jobId);
        _recordBuyerPayment(jobId, _received(payee, before));
        calls["claimRefund"]++;
    }

    /// @notice claimRefund by a relayer holding the controller's signature, paid to a recipient.
    function claimRefundWithSig(uint256 jobSeed, uint256 recipientSeed) external observe {
        uint256 jobId = _pickJob(jobSeed, _isRefundable);
        if (jobId == 0) return;
        _warpPastRefundDeadline(jobId);
        address recipient = _recipients[recipientSeed % _recipients.length];
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory signature = _sign(jobId, JobAction.ClaimRefund, recipient, deadline);
        (address payee, uint256 before) = _buyerSide(jobId, recipient);
        _target = jobId;

        vm.prank(relayer);
        market.claimRefundWithSig(jobId, recipient, deadline, signature);
        _recordBuyerPayment(jobId, _received(payee, before));
        calls["claimRefundWithSig"]++;
    }

    /// @notice Anyone expires a Routed or Started job past its deadline, the clock first warped just
    /// past it. The handler checks that exactly the job's GPUs were freed.
    function expire(uint256 jobSeed, uint256 callerSeed) external observe {
        uint256 jobId = _pickJob(jobSeed, _isRunningOrRouted);
        if (jobId == 0) return;
        _warpPastRefundDeadline(jobId);
        GhostJob storage g = _ghost[jobId];
        uint16 inUseBefore = market.getOffer(g.seenOffer).gpusInUse;
        (address payee, uint256 before) = _buyerSide(jobId, address(0));
        _target = jobId;

        vm.prank(_buyers[callerSeed % BUYER_COUNT]);
        market.expire(jobId);
        if (inUseBefore - market.getOffer(g.seenOffer).gpusInUse != g.gpuCount) expireMismatches++;
        // A team job's deposit goes straight back to its treasury.
        if (g.team) _recordBuyerPayment(jobId, _received(payee, before));
        calls["expire"]++;
    }

    /* TEAM TREASURY */

    /// @notice The team Admin or a buyer tops up the team's treasury.
    function depositToTeam(uint256 amountSeed) external observe {
        if (market.paused()) return;
        _depositToTeam(_bound(amountSeed, 1, MAX_TEAM_DEPOSIT));
        calls["depositToTeam"]++;
    }

    /// @notice The team Admin withdraws part of the balance (never what open jobs committed).
    function withdrawFromTeam(uint256 amountSeed, uint256 toSeed) external observe {
        (uint256 balance,,,) = market.teamFunds(teamId);
        if (balance == 0) return;
        uint256 amount = _bound(amountSeed, 1, balance);
        address to = _recipients[toSeed % _recipients.length];
        uint256 before = usdc.balanceOf(to);
        vm.prank(teamAdmin);
        market.withdrawFromTeam(teamId, to, amount);
        ghostTeamWithdrawn += usdc.balanceOf(to) - before;
        calls["withdrawFromTeam"]++;
    }

    /* EARNERS */

    /// @notice An earner with earnings withdraws them, to itself or to another address.
    function withdraw(uint256 earnerSeed, uint256 toSeed) external observe {
        uint256 n = _earners.length;
        address earner;
        for (uint256 k; k < n; ++k) {
            address candidate = _earners[(earnerSeed % n + k) % n];
            if (market.earningsOf(candidate) != 0) {
                earner = candidate;
                break;
            }
        }
        if (earner == address(0)) return;
        address to = toSeed % 2 == 0 ? earner : _recipients[toSeed % _recipients.length];
        uint256 balanceBefore = usdc.balanceOf(to);

        vm.prank(earner);
        market.withdraw(to);
        ghostWithdrawn += usdc.balanceOf(to) - balanceBefore;
        calls["withdraw"]++;
    }

    /* ADMIN, GUARDIAN, TEAM */

    /// @notice The admin sets the fee (at most 10%) and one of three treasuries.
    function setProtocolFee(uint256 feeSeed, uint256 treasurySeed) external observe {
        uint16 feeBps = uint16(_bound(feeSeed, 0, market.MAX_FEE_BPS()));
        address treasury = _treasuries[treasurySeed % _treasuries.length];
        _addEarner(treasury);
        vm.prank(admin);
        market.setProtocolFee(feeBps, treasury);
        calls["setProtocolFee"]++;
    }

    /// @notice The team admin turns the provider whitelist on or off and (un)lists a provider.
    function setTeamWhitelist(bool enabled, uint256 providerSeed, bool allowed) external observe {
        uint32 providerId = uint32(providerSeed % market.providerCount() + 1);
        vm.startPrank(teamAdmin);
        team.setWhitelistEnabled(teamId, enabled);
        team.setProviderWhitelisted(teamId, providerId, allowed);
        vm.stopPrank();
        calls["setTeamWhitelist"]++;
    }

    /// @notice The guardian unpauses a paused market, or pauses it one time in four (a paused
    /// market stops requests and routing, so it stays a short episode).
    function pauseMarket(uint256 seed) external observe {
        if (market.paused()) {
            vm.prank(guardian);
            market.unpause();
        } else if (seed % 4 == 0) {
            vm.prank(guardian);
            market.pause();
        }
        calls["pauseMarket"]++;
    }

    /// @notice Time passes.
    function warp(uint256 secondsSeed) external observe {
        vm.warp(block.timestamp + _bound(secondsSeed, 1, MAX_WARP));
        calls["warp"]++;
    }

    /* VIEWS FOR THE INVARIANTS */

    function ghostJob(uint256 jobId) external view returns (GhostJob memory) {
        return _ghost[jobId];
    }

    function buyers() external view returns (address[] memory) {
        return _buyers;
    }

    function earners() external view returns (address[] memory) {
        return _earners;
    }

    function untrackedJobs() external view returns (uint256[] memory) {
        return _untrackedJobs;
    }

    /* INTERNAL: OBSERVATION */

    /// @dev Compares every job with what the previous call left; records forbidden transitions,
    /// changes to jobs the call did not target and decision roots that differ from the tracked one.
    function _scan() internal {
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            Job memory job = market.getJob(jobId);
            GhostJob storage g = _ghost[jobId];
            bool offerChanged = job.offerId != g.seenOffer;
            if (job.status != g.seenStatus || offerChanged) {
                if (jobId != _target) {
                    _flagTransition(jobId, g.seenStatus, job.status, "by a call on another job");
                } else if (!_allowedTransition(
                        g.seenStatus, job.status, offerChanged, job.rerouteOptIn, g.team
                    )) {
                    _flagTransition(jobId, g.seenStatus, job.status, "not an allowed transition");
                }
                g.seenStatus = job.status;
                g.seenOffer = job.offerId;
            }
            if (job.decisionRoot != g.root) {
                rootOverwrites++;
                lastRootOverwriteJob = jobId;
            }
        }
    }

    /// @dev The transitions documented on JobStatus. The offer may change only when the job is
    /// routed, or rerouted (opted-in jobs only). A team job's refund is credited at once, so one call
    /// may take it from Requested (unroutable), Routed or Started (expired, completed) to Refunded.
    function _allowedTransition(
        JobStatus from,
        JobStatus to,
        bool offerChanged,
        bool rerouteOptIn,
        bool teamJob
    ) internal pure returns (bool) {
        if (from == JobStatus.Routed && to == JobStatus.Routed) {
            return offerChanged && rerouteOptIn;
        }
        if (offerChanged) return from == JobStatus.Requested && to == JobStatus.Routed;
        if (from == JobStatus.None) return to == JobStatus.Requested;
        if (from == JobStatus.Requested) {
            return to == JobStatus.Routed || to == JobStatus.Cancelled || to == JobStatus.Unroutable
                || (teamJob && to == JobStatus.Refunded);
        }
        if (from == JobStatus.Routed) {
            return to == JobStatus.Started || to == JobStatus.Cancelled || to == JobStatus.Expired
                || to == JobStatus.Refunded;
        }
        if (from == JobStatus.Started) {
            return to == JobStatus.Completed || to == JobStatus.Expired || to == JobStatus.Refunded;
        }
        if (from == JobStatus.Completed || from == JobStatus.Unroutable || from == JobStatus.Expired) {
            return to == JobStatus.Refunded;
        }
        return false;
    }

    function _flagTransition(uint256 jobId, JobStatus from, JobStatus to, string memory why) internal {
        illegalTransitions++;
        lastIllegalTransition = string.concat(
            "job ",
            vm.toString(jobId),
            ": ",
            vm.toString(uint256(from)),
            " -> ",
            vm.toString(uint256(to)),
            " ",
            why
        );
    }

    /// @dev Searches every topic and every byte offset of the data of the market's own logs.
    function _checkNoBuyerInLogs(Vm.Log[] memory logs) internal {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(market)) continue;
            for (uint256 t; t < logs[i].topics.length; ++t) {
                if (_holdsBuyer(abi.encodePacked(logs[i].topics[t]))) buyerLogLeaks++;
            }
            if (_holdsBuyer(logs[i].data)) buyerLogLeaks++;
        }
    }

    /// @dev Reads back every market slot written by the request.
    function _checkNoBuyerInStorage(bytes32[] memory writes) internal {
        for (uint256 i; i < writes.length; ++i) {
            if (_holdsBuyer(abi.encodePacked(vm.load(address(market), writes[i])))) buyerStorageLeaks++;
        }
    }

    /// @dev Whether any 20-byte window of `data` is a buyer's address.
    function _holdsBuyer(bytes memory data) internal view returns (bool) {
        if (data.length < 20) return false;
        for (uint256 offset; offset <= data.length - 20; ++offset) {
            uint256 word;
            assembly ("memory-safe") {
                word := mload(add(add(data, 32), offset))
            }
            if (isBuyer[address(uint160(word >> 96))]) return true;
        }
        return false;
    }

    /* INTERNAL: JOBS */

    function _recordRequest(
        uint256 jobId,
        address funder,
        address controller,
        uint256 controllerKey,
        uint256 deposit,
        JobRequest memory req
    ) internal {
        _target = jobId;
        GhostJob storage g = _ghost[jobId];
        g.funder = funder;
        g.controller = controller;
        g.controllerKey = controllerKey;
        g.deposit = deposit;
        g.gpuCount = req.spec.gpuCount;
        g.reviewSeconds = req.reviewSeconds;
    }

    /// @dev What reached the buyer side of a job: a wallet (counted as USDC out of the market) or
    /// the team's treasury (still in the market).
    function _recordBuyerPayment(uint256 jobId, uint256 amount) internal {
        GhostJob storage g = _ghost[jobId];
        g.refundPaid += amount;
        g.buyerPayments++;
        if (!g.team) ghostRefunded += amount;
    }

    /// @dev Where the buyer side of a job is paid, and its balance now: the team's treasury for a
    /// team job (address zero stands for it), else `recipient`'s USDC.
    function _buyerSide(uint256 jobId, address recipient)
        internal
        view
        returns (address payee, uint256 before)
    {
        if (_ghost[jobId].team) return (address(0), _teamBalance());
        return (recipient, usdc.balanceOf(recipient));
    }

    function _received(address payee, uint256 before) internal view returns (uint256) {
        return (payee == address(0) ? _teamBalance() : usdc.balanceOf(payee)) - before;
    }

    function _teamBalance() internal view returns (uint256 balance) {
        (balance,,,) = market.teamFunds(teamId);
    }

    function _recordRoute(uint256 jobId, uint32 offerId, uint64 price, bytes32 root) internal {
        GhostJob storage g = _ghost[jobId];
        g.root = root;
        g.price = price;
        g.ceiling = market.currentPrice(offerId);
        g.feeBps = market.protocolFeeBps();
        g.reviewEndsAt = uint40(block.timestamp + g.reviewSeconds);
        if (price > g.ceiling) routesAboveCeiling++;
    }

    /// @dev For an offer priced off-chain (Token, gateway) whose ceiling the job's maximum exceeds:
    /// the keeper's call with a price just above the ceiling must revert. `data` carries a zero price,
    /// replaced here.
    function _tryAboveCeiling(bytes memory data, uint256 jobId, uint32 offerId) internal {
        Offer memory o = market.getOffer(offerId);
        bool exact = !o.gateway && (o.pricing == PricingModel.Fixed || o.pricing == PricingModel.Dynamic);
        uint64 ceiling = market.currentPrice(offerId);
        if (exact || ceiling >= market.getJob(jobId).maxPricePerGpuHour) return;
        assembly ("memory-safe") {
            mstore(add(data, 100), add(ceiling, 1)) // the third argument
        }
        if (_succeeds(keeper, data)) routesAboveCeiling++;
    }

    /// @dev Whether `caller` calling the market with `data` succeeds; the state it changed is undone.
    function _succeeds(address caller, bytes memory data) internal returns (bool ok) {
        uint256 snapshot = vm.snapshotState();
        vm.prank(caller);
        (ok,) = address(market).call(data);
        vm.revertToState(snapshot);
    }

    /// @dev The team Admin deposits `amount`, minted first when it lacks it.
    function _depositToTeam(uint256 amount) internal {
        _fund(teamAdmin, amount);
        vm.prank(teamAdmin);
        market.depositToTeam(teamId, amount);
        ghostDeposited += amount;
        ghostTeamDeposited += amount;
    }

    /// @dev A random, valid request, biased toward what the listed offers can serve.
    function _request(uint256 seed, bool rerouteOptIn) internal pure returns (JobRequest memory req) {
        uint256[8] memory r = _split(seed);
        req.spec.gpuModel = r[0] % 4 == 0 ? A100 : H100;
        req.spec.gpuCount = uint16(_bound(r[1], 1, 8));
        req.spec.minVramGb = r[2] % 2 == 0 ? 0 : 80;
        req.spec.country = r[3] % 3 == 0 ? _country(r[3] / 3) : bytes2(0);
        req.spec.area = r[4] % 3 == 0 ? Area(r[4] / 3 % 3) : Area.None;
        req.spec.excludedPricing = r[5] % 4 == 0 ? uint8(r[5] / 4 % 32) : 0;
        req.spec.hoursRequested = uint16(_bound(r[6], 1, 48));
        req.spec.workloadURI = "ipfs://bafyworkload";
        req.spec.workloadHash = keccak256(abi.encode(seed));
        req.maxPricePerGpuHour = uint64(_bound(r[7], 500_000, 5_000_000));
        req.reviewSeconds = r[7] % 3 == 0 ? uint32(_bound(r[7] >> 64, 1, 1 hours)) : 0;
        req.mode = JobMode.Tracked;
        req.rerouteOptIn = rerouteOptIn;
    }

    function _depositOf(JobRequest memory req) internal pure returns (uint256) {
        return uint256(req.maxPricePerGpuHour) * req.spec.gpuCount * req.spec.hoursRequested;
    }

    /// @dev Mints what the account lacks for `amount` (the faucet of a test token).
    function _fund(address account, uint256 amount) internal {
        uint256 balance = usdc.balanceOf(account);
        if (balance < amount) {
            vm.prank(admin);
            usdc.mint(account, amount - balance);
        }
    }

    function _sign(uint256 jobId, JobAction action, address recipient, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        bytes32 digest = market.jobActionDigest(jobId, action, recipient, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_ghost[jobId].controllerKey, digest);
        return abi.encodePacked(r, s, v);
    }

    function _warpPastRefundDeadline(uint256 jobId) internal {
        GhostJob storage g = _ghost[jobId];
        uint256 deadline;
        if (g.seenStatus == JobStatus.Routed) deadline = g.reviewEndsAt + startWindow;
        else if (g.seenStatus == JobStatus.Started) deadline = _completionDeadline(jobId);
        else return;
        if (block.timestamp <= deadline) vm.warp(deadline + 1);
    }

    function _completionDeadline(uint256 jobId) internal view returns (uint256) {
        uint256 booked = uint256(market.getJob(jobId).hoursRequested) * 1 hours;
        return _ghost[jobId].startedAt + booked + completionGrace;
    }

    function _jobOwner(uint256 jobId) internal view returns (address) {
        return market.getProvider(market.getOffer(_ghost[jobId].seenOffer).providerId).owner;
    }

    /// @dev The first job from a random position that satisfies `eligible`, or 0.
    function _pickJob(uint256 seed, function(uint256) internal view returns (bool) eligible)
        internal
        view
        returns (uint256)
    {
        uint256 n = market.jobCount();
        if (n == 0) return 0;
        for (uint256 k; k < n; ++k) {
            uint256 jobId = (seed % n + k) % n + 1;
            if (eligible(jobId)) return jobId;
        }
        return 0;
    }

    function _isRequested(uint256 jobId) internal view returns (bool) {
        return _ghost[jobId].seenStatus == JobStatus.Requested;
    }

    function _isReroutable(uint256 jobId) internal view returns (bool) {
        return _ghost[jobId].seenStatus == JobStatus.Routed && market.getJob(jobId).rerouteOptIn;
    }

    function _isStartable(uint256 jobId) internal view returns (bool) {
        GhostJob storage g = _ghost[jobId];
        return g.seenStatus == JobStatus.Routed && block.timestamp <= g.reviewEndsAt + startWindow;
    }

    function _isCompletable(uint256 jobId) internal view returns (bool) {
        return _ghost[jobId].seenStatus == JobStatus.Started && block.timestamp <= _completionDeadline(jobId);
    }

    function _isCancellable(uint256 jobId) internal view returns (bool) {
        JobStatus s = _ghost[jobId].seenStatus;
        return s == JobStatus.Requested || s == JobStatus.Routed;
    }

    /// @dev A team job's Completed, Unroutable or Expired refund was credited at once.
    function _isRefundable(uint256 jobId) internal view returns (bool) {
        JobStatus s = _ghost[jobId].seenStatus;
        if (s == JobStatus.Routed || s == JobStatus.Started) return true;
        return !_ghost[jobId].team
            && (s == JobStatus.Completed || s == JobStatus.Unroutable || s == JobStatus.Expired);
    }

    function _isRunningOrRouted(uint256 jobId) internal view returns (bool) {
        JobStatus s = _ghost[jobId].seenStatus;
        return s == JobStatus.Routed || s == JobStatus.Started;
    }

    /* INTERNAL: OFFERS */

    /// @dev The first Requested job from a random position that some offer can take, with that offer.
    function _findRoute(uint256 jobSeed, uint256 offerSeed, uint256 priceSeed)
        internal
        view
        returns (uint256 jobId, uint32 offerId, uint64 price)
    {
        uint256 n = market.jobCount();
        for (uint256 k; k < n; ++k) {
            jobId = (jobSeed % n + k) % n + 1;
            if (!_isRequested(jobId)) continue;
            (offerId, price) = _findOffer(jobId, offerSeed, priceSeed, 0);
            if (offerId != 0) return (jobId, offerId, price);
        }
        return (0, 0, 0);
    }

    /// @dev The first offer from a random position, other than `excluded`, that the job may be
    /// routed to now, with a price `route` accepts.
    function _findOffer(uint256 jobId, uint256 offerSeed, uint256 priceSeed, uint32 excluded)
        internal
        view
        returns (uint32, uint64)
    {
        Job memory job = market.getJob(jobId);
        uint256 n = market.offerCount();
        for (uint256 k; k < n; ++k) {
            uint32 offerId = uint32((offerSeed % n + k) % n + 1);
            if (offerId == excluded) continue;
            (bool ok, uint64 price) = _routable(job, offerId, priceSeed);
            if (ok) return (offerId, price);
        }
        return (0, 0);
    }

    /// @dev Every hard constraint of `route`, as documented: capacity, window (review window, start
    /// window and booked hours from now), model, VRAM, region, pricing exclusions, team whitelist,
    /// and a price within the job's maximum that is the on-chain current price for Necto Fixed and
    /// Dynamic offers, or at most the committed ceiling for Token and gateway offers.
    function _routable(Job memory job, uint32 offerId, uint256 priceSeed)
        internal
        view
        returns (bool, uint64)
    {
        Offer memory o = market.getOffer(offerId);
        if (o.state != CapacityState.Available || o.gpuCount - o.gpusInUse < job.gpuCount) return (false, 0);
        uint256 latestEnd =
            block.timestamp + job.reviewSeconds + startWindow + uint256(job.hoursRequested) * 1 hours;
        if (block.timestamp < o.availableFrom || (o.availableUntil != 0 && latestEnd > o.availableUntil)) {
            return (false, 0);
        }
        if (o.gpuModel != job.gpuModel || o.vramGb < job.minVramGb) return (false, 0);
        if (job.country != bytes2(0) && o.country != job.country) return (false, 0);
        if (job.area != Area.None && o.area != job.area) return (false, 0);
        if (job.excludedPricing & (1 << uint8(o.pricing)) != 0) return (false, 0);
        if (job.teamId != 0 && !team.isProviderAllowed(job.teamId, o.providerId)) return (false, 0);
        uint64 ceiling = market.currentPrice(offerId);
        if (!o.gateway && (o.pricing == PricingModel.Fixed || o.pricing == PricingModel.Dynamic)) {
            return (ceiling <= job.maxPricePerGpuHour, ceiling);
        }
        uint64 highest = ceiling < job.maxPricePerGpuHour ? ceiling : job.maxPricePerGpuHour;
        return (true, uint64(_bound(priceSeed, 1, highest)));
    }

    /// @dev A random valid offer. Necto sellers use Fixed, Dynamic or Token pricing. Gateways use
    /// any model. The price is the Fixed price, the Dynamic floor or the Token and gateway ceiling.
    function _offerParams(uint256 seed, bool gateway) internal view returns (OfferParams memory p) {
        uint256[8] memory r = _split(seed);
        p.gpuModel = r[0] % 4 == 0 ? A100 : H100;
        p.gpuCount = uint16(_bound(r[1], 1, 16));
        p.vramGb = r[2] % 3 == 0 ? 40 : 80;
        p.country = _country(r[3]);
        p.area = Area(r[4] % 4);
        if (r[5] % 4 == 0) p.availableFrom = uint40(block.timestamp + _bound(r[5] >> 8, 1 hours, 1 days));
        if (r[5] % 3 == 0) {
            uint256 from = p.availableFrom > block.timestamp ? p.availableFrom : block.timestamp;
            p.availableUntil = uint40(from + _bound(r[5] >> 64, 2 days, 20 days));
        }
        p.pricing = PricingModel(r[6] % (gateway ? 5 : 3));
        p.price = uint64(_bound(r[7], 500_000, 4_000_000));
        p.demandSlopeBps = uint32(_bound(r[7] >> 64, 0, 20_000));
        if (p.pricing == PricingModel.Token) {
            p.tokenId = "akash-network";
            p.tokenAmount = uint64(_bound(r[7] >> 128, 1, 10_000_000));
        }
    }

    function _country(uint256 seed) internal pure returns (bytes2) {
        uint256 i = seed % 4;
        if (i == 0) return bytes2(0);
        if (i == 1) return "DE";
        if (i == 2) return "US";
        return "FR";
    }

    /* INTERNAL: ACTORS AND IDS */

    function _split(uint256 seed) internal pure returns (uint256[8] memory r) {
        for (uint256 i; i < 8; ++i) {
            r[i] = uint256(keccak256(abi.encode(seed, i)));
        }
    }

    function _fresh(string memory kind) internal returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("necto.fresh", kind, ++_freshNonce)))));
    }

    function _nextRoot() internal returns (bytes32) {
        return keccak256(abi.encode("necto.decision", ++_rootNonce));
    }

    function _addPayout(address payout) internal {
        if (!_isEarner[payout]) _payouts.push(payout);
        _addEarner(payout);
    }

    function _addEarner(address account) internal {
        if (_isEarner[account]) return;
        _isEarner[account] = true;
        _earners.push(account);
    }
}
