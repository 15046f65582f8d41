// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Vm} from "forge-std/Vm.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {JobsBase} from "./JobsBase.sol";
import {INectoMarket} from "../../../src/interfaces/INectoMarket.sol";
import {ITeamAccess, TeamRole} from "../../../src/interfaces/ITeamAccess.sol";
import {ITeamTreasury} from "../../../src/interfaces/ITeamTreasury.sol";
import {Area, PricingModel} from "../../../src/interfaces/IProviderRegistry.sol";
import {
    IJobRegistry,
    Job,
    JobAction,
    JobMode,
    JobRequest,
    JobStatus
} from "../../../src/interfaces/IJobRegistry.sol";

/// @notice A 6-decimal token that burns 1% of every transfer, to check the market refuses it.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee USD", "FUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 cut = value / 100;
        super._update(from, address(0), cut);
        super._update(from, to, value - cut);
    }
}

/// requestJob
/// ├── given paused: reverts
/// ├── when the spec is invalid (each field, a review window above the maximum): reverts naming the field
/// ├── when Tracked with a job key / Untracked without one / Untracked with a team: reverts
/// ├── when the team refuses the spend (not a submitter, unknown team, cap, balance): reverts
/// ├── when the allowance or balance is short, or the token takes a fee: reverts
/// └── otherwise: stores the job, pulls the deposit (or draws it on the team's treasury, with no
///     token transfer), emits JobRequested (Tracked, team, Untracked)
contract RequestJobTest is JobsBase {
    function test_RevertGiven_Paused() external {
        pauseMarket();
        vm.expectRevert(IJobRegistry.JobRegistry_Paused.selector);
        requestTracked();
    }

    function test_RevertWhen_GpuModelZero() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.gpuModel = bytes16(0);
        _expectInvalidSpec(req, "gpuModel");
    }

    function test_RevertWhen_GpuCountZero() external {
        _expectInvalidSpec(trackedRequest(0, HOURS, MAX_PRICE), "gpuCount");
    }

    function test_RevertWhen_HoursRequestedZero() external {
        _expectInvalidSpec(trackedRequest(GPUS, 0, MAX_PRICE), "hoursRequested");
    }

    function test_RevertWhen_ExcludedPricingHasUnknownBit() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.excludedPricing = 1 << 5;
        _expectInvalidSpec(req, "excludedPricing");
    }

    function test_RevertWhen_WorkloadURIEmpty() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.workloadURI = "";
        _expectInvalidSpec(req, "workloadURI");
    }

    function test_RevertWhen_WorkloadHashZero() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.workloadHash = bytes32(0);
        _expectInvalidSpec(req, "workloadHash");
    }

    function test_RevertWhen_MaxPriceZero() external {
        _expectInvalidSpec(trackedRequest(GPUS, HOURS, 0), "maxPricePerGpuHour");
    }

    function test_RevertWhen_MaxPriceAbove40Bits() external {
        _expectInvalidSpec(trackedRequest(1, 1, uint64(type(uint40).max) + 1), "maxPricePerGpuHour");
    }

    function test_WhenMaxPriceAt40BitLimit() external {
        uint64 maxPrice = type(uint40).max;
        vm.prank(admin);
        usdc.mint(buyer, maxPrice);
        vm.prank(buyer);
        uint256 jobId = market.requestJob(trackedRequest(1, 1, maxPrice));
        assertEq(market.getJob(jobId).maxPricePerGpuHour, maxPrice, "maxPrice");
        assertEq(market.depositOf(jobId), maxPrice, "deposit");
    }

    function test_RevertWhen_ReviewWindowAboveMaximum() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = market.MAX_REVIEW_SECONDS() + 1;
        _expectInvalidSpec(req, "reviewSeconds");
    }

    function test_WhenReviewWindowAtMaximum() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = 1 hours;
        vm.prank(buyer);
        uint256 jobId = market.requestJob(req);
        assertEq(market.getJob(jobId).reviewSeconds, 1 hours, "reviewSeconds");
    }

    function test_RevertWhen_TrackedWithJobKey() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.jobKey = jobKey;
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_JobKeyNotAllowed.selector, jobKey));
        vm.prank(buyer);
        market.requestJob(req);
    }

    function test_RevertWhen_UntrackedWithoutJobKey() external {
        JobRequest memory req = untrackedRequest(GPUS, HOURS, MAX_PRICE);
        req.jobKey = address(0);
        vm.expectRevert(IJobRegistry.JobRegistry_JobKeyRequired.selector);
        vm.prank(buyer);
        market.requestJob(req);
    }

    function test_RevertWhen_UntrackedWithTeam() external {
        JobRequest memory req = untrackedRequest(GPUS, HOURS, MAX_PRICE);
        req.teamId = teamId;
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_UntrackedTeamJob.selector, teamId));
        vm.prank(teamUser);
        market.requestJob(req);
    }

    function test_RevertWhen_CallerNotTeamSubmitter() external {
        fundTeamTreasury();
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_NotSubmitter.selector, teamId, teamViewer, TeamRole.Viewer
            )
        );
        vm.prank(teamViewer);
        market.requestJob(teamRequest(GPUS, HOURS, MAX_PRICE));
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_NotSubmitter.selector, teamId, buyer, TeamRole.None
            )
        );
        vm.prank(buyer);
        market.requestJob(teamRequest(GPUS, HOURS, MAX_PRICE));
    }

    function test_RevertWhen_TeamUnknown() external {
        JobRequest memory req = teamRequest(GPUS, HOURS, MAX_PRICE);
        req.teamId = 99;
        vm.expectRevert(abi.encodeWithSelector(ITeamAccess.TeamAccess_UnknownTeam.selector, uint32(99)));
        vm.prank(teamUser);
        market.requestJob(req);
    }

    function test_RevertWhen_TeamSpendingCapExceeded() external {
        fundTeamTreasury();
        vm.prank(teamAdmin);
        team.setSpendingCap(teamId, DEPOSIT - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_SpendingCapExceeded.selector, teamId, 0, DEPOSIT, DEPOSIT - 1
            )
        );
        requestTeam();
    }

    function test_RevertWhen_TeamBalanceTooLow() external {
        vm.prank(teamAdmin);
        market.depositToTeam(teamId, DEPOSIT - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITeamTreasury.TeamTreasury_InsufficientBalance.selector, teamId, DEPOSIT - 1, DEPOSIT
            )
        );
        requestTeam();
    }

    function test_RevertWhen_AllowanceTooLow() external {
        vm.prank(buyer);
        usdc.approve(address(market), DEPOSIT - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(market), DEPOSIT - 1, DEPOSIT
            )
        );
        requestTracked();
    }

    function test_RevertWhen_BalanceTooLow() external {
        _approveAll(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, stranger, 0, DEPOSIT)
        );
        vm.prank(stranger);
        market.requestJob(trackedRequest(GPUS, HOURS, MAX_PRICE));
    }

    function test_RevertGiven_FeeOnTransferToken() external {
        FeeOnTransferToken token = new FeeOnTransferToken();
        INectoMarket other = deployMarket(
            admin, IERC20(address(token)), ITeamAccess(address(team)), START_WINDOW, COMPLETION_GRACE
        );
        token.mint(buyer, DEPOSIT);
        vm.startPrank(buyer);
        token.approve(address(other), DEPOSIT);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobRegistry.JobRegistry_UnsupportedToken.selector, DEPOSIT, DEPOSIT - DEPOSIT / 100
            )
        );
        other.requestJob(trackedRequest(GPUS, HOURS, MAX_PRICE));
        vm.stopPrank();
    }

    function test_WhenTracked() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.country = "DE";
        req.spec.area = Area.EU;
        req.spec.excludedPricing = uint8(1 << uint8(PricingModel.Spot) | 1 << uint8(PricingModel.Auction));
        req.rerouteOptIn = true;
        uint256 buyerBefore = usdc.balanceOf(buyer);

        vm.expectEmit(address(market));
        emit IJobRegistry.JobRequested(1, buyer, 0, JobMode.Tracked, req.spec, MAX_PRICE, 0, true, DEPOSIT);
        vm.prank(buyer);
        uint256 jobId = market.requestJob(req);

        assertEq(jobId, 1, "jobId");
        assertEq(market.jobCount(), 1, "jobCount");
        Job memory job = market.getJob(jobId);
        assertEq(job.controller, buyer, "controller");
        assertEq(uint8(job.mode), uint8(JobMode.Tracked), "mode");
        assertTrue(job.rerouteOptIn, "rerouteOptIn");
        assertEq(job.excludedPricing, req.spec.excludedPricing, "excludedPricing");
        assertEq(job.gpuCount, GPUS, "gpuCount");
        assertEq(job.minVramGb, 80, "minVramGb");
        assertEq(job.hoursRequested, HOURS, "hoursRequested");
        assertEq(job.country, bytes2("DE"), "country");
        assertEq(uint8(job.area), uint8(Area.EU), "area");
        assertEq(uint8(job.status), uint8(JobStatus.Requested), "status");
        assertEq(job.offerId, 0, "offerId");
        assertEq(job.pricePerGpuHour, 0, "price");
        assertEq(job.routedAt, 0, "routedAt");
        assertEq(job.gpuModel, H100, "gpuModel");
        assertEq(job.maxPricePerGpuHour, MAX_PRICE, "maxPrice");
        assertEq(job.teamId, 0, "teamId");
        assertEq(job.decisionRoot, bytes32(0), "no root yet");
        assertEq(market.depositOf(jobId), DEPOSIT, "depositOf");
        assertEq(usdc.balanceOf(buyer), buyerBefore - DEPOSIT, "buyer balance");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "market balance");

        assertEq(requestTracked(), 2, "next jobId");
    }

    function test_WhenExcludedPricingNamesEveryModel() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        req.spec.excludedPricing = uint8((1 << (uint8(type(PricingModel).max) + 1)) - 1);
        vm.prank(buyer);
        uint256 jobId = market.requestJob(req);
        assertEq(market.getJob(jobId).excludedPricing, 31, "excludedPricing");
    }

    function test_WhenTrackedForTeam_DrawsOnTheTreasury() external {
        fundTeamTreasury();
        JobRequest memory req = teamRequest(GPUS, HOURS, MAX_PRICE);
        req.reviewSeconds = 600;
        uint256 userBefore = usdc.balanceOf(teamUser);
        uint256 marketBefore = usdc.balanceOf(address(market));

        vm.expectEmit(address(market));
        emit ITeamTreasury.TeamJobFunded(teamId, 1, teamUser, DEPOSIT, TEAM_TREASURY - DEPOSIT, DEPOSIT);
        vm.expectEmit(address(market));
        emit IJobRegistry.JobRequested(
            1, teamUser, teamId, JobMode.Tracked, req.spec, MAX_PRICE, 600, false, DEPOSIT
        );
        vm.recordLogs();
        vm.prank(teamUser);
        uint256 jobId = market.requestJob(req);
        assertEq(vm.getRecordedLogs().length, 2, "no token transfer: TeamJobFunded and JobRequested");

        Job memory job = market.getJob(jobId);
        assertEq(job.controller, teamUser, "controller");
        assertEq(job.teamId, teamId, "teamId");
        (uint256 balance, uint256 windowSpend,, uint256 spendable) = market.teamFunds(teamId);
        assertEq(balance, TEAM_TREASURY - DEPOSIT, "team balance");
        assertEq(windowSpend, DEPOSIT, "counted against the cap");
        assertEq(spendable, TEAM_TREASURY - DEPOSIT, "no cap: the balance is spendable");
        assertEq(usdc.balanceOf(teamUser), userBefore, "the member's wallet is untouched");
        assertEq(usdc.balanceOf(address(market)), marketBefore, "no token moved");
    }

    function test_WhenTeamAdminRequests() external {
        fundTeamTreasury();
        vm.prank(teamAdmin);
        uint256 jobId = market.requestJob(teamRequest(GPUS, HOURS, MAX_PRICE));
        assertEq(market.getJob(jobId).controller, teamAdmin, "controller");
    }

    function test_WhenUntracked() external {
        JobRequest memory req = untrackedRequest(GPUS, HOURS, MAX_PRICE);
        uint256 buyerBefore = usdc.balanceOf(buyer);

        vm.expectEmit(address(market));
        emit IJobRegistry.JobRequested(
            1, jobKey, 0, JobMode.Untracked, req.spec, MAX_PRICE, 0, false, DEPOSIT
        );
        vm.prank(buyer);
        uint256 jobId = market.requestJob(req);

        Job memory job = market.getJob(jobId);
        assertEq(job.controller, jobKey, "controller is the job key");
        assertEq(uint8(job.mode), uint8(JobMode.Untracked), "mode");
        assertEq(job.teamId, 0, "teamId");
        assertEq(usdc.balanceOf(buyer), buyerBefore - DEPOSIT, "buyer balance");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "market balance");
    }

    /// @dev The whole life of an Untracked job, settled by signature to a fresh recipient: the market
    /// must neither store nor emit the funding buyer's address. The USDC transfer that funds the job
    /// names the buyer by nature; it is the only log allowed to.
    function test_WhenUntracked_MarketNeverRecordsBuyer() external {
        vm.record();
        vm.recordLogs();
        uint256 jobId = requestUntracked();
        routeTo(jobId, fixedOffer, FIXED_PRICE);
        startAs(jobId, seller);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(seller);
        market.completeJob(jobId, 1 hours);
        address recipient = makeAddr("freshRecipient");
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signAction(jobKeyPk, jobId, JobAction.ClaimRefund, recipient, deadline);
        vm.prank(stranger);
        market.claimRefundWithSig(jobId, recipient, deadline, sig);

        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 marketLogs;
        for (uint256 i; i < logs.length; ++i) {
            bool names = _containsAddress(logs[i].data, buyer);
            for (uint256 t; t < logs[i].topics.length; ++t) {
                names = names || _containsAddress(abi.encode(logs[i].topics[t]), buyer);
            }
            if (logs[i].emitter == address(market)) {
                ++marketLogs;
                assertFalse(names, "a market event names the buyer");
            } else if (names) {
                assertEq(logs[i].emitter, address(usdc), "only the funding transfer names the buyer");
                assertEq(logs[i].topics[0], IERC20.Transfer.selector, "funding transfer");
            }
        }
        assertEq(marketLogs, 5, "requested, routed, started, completed, refunded");

        (, bytes32[] memory writes) = vm.accesses(address(market));
        assertGt(writes.length, 0, "market writes recorded");
        for (uint256 i; i < writes.length; ++i) {
            assertFalse(_containsAddress(abi.encode(vm.load(address(market), writes[i])), buyer), "stored");
        }
        uint256 base = uint256(keccak256(abi.encode(jobId, JOBS_SLOT)));
        assertEq(address(uint160(uint256(vm.load(address(market), bytes32(base))))), jobKey, "job slot");
        for (uint256 i; i < JOB_SLOTS; ++i) {
            bytes32 word = vm.load(address(market), bytes32(base + i));
            assertFalse(_containsAddress(abi.encode(word), buyer), "job slot names the buyer");
        }
        Job memory job = market.getJob(jobId);
        assertEq(job.controller, jobKey, "controller");
        assertEq(job.teamId, 0, "teamId");
    }

    function _expectInvalidSpec(JobRequest memory req, string memory field) private {
        vm.expectRevert(abi.encodeWithSelector(IJobRegistry.JobRegistry_InvalidSpec.selector, field));
        vm.prank(buyer);
        market.requestJob(req);
    }

    /// @dev Whether the 20 bytes of `who` appear at any offset of `blob`.
    function _containsAddress(bytes memory blob, address who) private pure returns (bool) {
        bytes20 needle = bytes20(who);
        for (uint256 i; i + 20 <= blob.length; ++i) {
            bytes20 window;
            assembly ("memory-safe") {
                window := and(mload(add(add(blob, 32), i)), shl(96, not(0)))
            }
            if (window == needle) return true;
        }
        return false;
    }
}

/// requestJobWithPermit
/// ├── given paused / a team job (drawn on the treasury, no approval): reverts
/// ├── when the permit is valid: approves by permit and requests
/// ├── when a front-runner used the permit first: still requests
/// ├── when the permit is invalid but an allowance exists: requests on the allowance
/// └── when the permit is invalid and there is no allowance: reverts on the transfer
contract RequestJobWithPermitTest is JobsBase {
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    uint256 private deadline;

    function setUp() public override {
        super.setUp();
        deadline = block.timestamp + 1 hours;
        vm.prank(buyer);
        usdc.approve(address(market), 0);
    }

    function test_RevertGiven_Paused() external {
        pauseMarket();
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(buyerKey, DEPOSIT);
        vm.expectRevert(IJobRegistry.JobRegistry_Paused.selector);
        vm.prank(buyer);
        market.requestJobWithPermit(trackedRequest(GPUS, HOURS, MAX_PRICE), deadline, v, r, s);
    }

    function test_RevertWhen_TeamJob() external {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(buyerKey, DEPOSIT);
        vm.expectRevert(
            abi.encodeWithSelector(IJobRegistry.JobRegistry_TeamJobFundedByTreasury.selector, teamId)
        );
        vm.prank(teamUser);
        market.requestJobWithPermit(teamRequest(GPUS, HOURS, MAX_PRICE), deadline, v, r, s);
    }

    function test_WhenPermitValid() external {
        JobRequest memory req = trackedRequest(GPUS, HOURS, MAX_PRICE);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(buyerKey, DEPOSIT);
        uint256 buyerBefore = usdc.balanceOf(buyer);

        vm.expectEmit(address(market));
        emit IJobRegistry.JobRequested(1, buyer, 0, JobMode.Tracked, req.spec, MAX_PRICE, 0, false, DEPOSIT);
        vm.prank(buyer);
        uint256 jobId = market.requestJobWithPermit(req, deadline, v, r, s);

        assertEq(usdc.nonces(buyer), 1, "permit used");
        assertEq(usdc.allowance(buyer, address(market)), 0, "allowance spent");
        assertEq(usdc.balanceOf(buyer), buyerBefore - DEPOSIT, "buyer balance");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "market balance");
        assertEq(market.getJob(jobId).controller, buyer, "controller");
    }

    function test_WhenPermitFrontRun() external {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(buyerKey, DEPOSIT);
        vm.prank(stranger);
        usdc.permit(buyer, address(market), DEPOSIT, deadline, v, r, s);

        vm.prank(buyer);
        uint256 jobId = market.requestJobWithPermit(trackedRequest(GPUS, HOURS, MAX_PRICE), deadline, v, r, s);

        assertEq(uint8(market.getJob(jobId).status), uint8(JobStatus.Requested), "requested");
        assertEq(usdc.allowance(buyer, address(market)), 0, "allowance spent");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "market balance");
    }

    function test_WhenPermitInvalid_GivenAllowance() external {
        vm.prank(buyer);
        usdc.approve(address(market), DEPOSIT);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(jobKeyPk, DEPOSIT);

        vm.prank(buyer);
        uint256 jobId = market.requestJobWithPermit(trackedRequest(GPUS, HOURS, MAX_PRICE), deadline, v, r, s);

        assertEq(market.depositOf(jobId), DEPOSIT, "deposit");
        assertEq(usdc.nonces(buyer), 0, "permit not used");
        assertEq(usdc.balanceOf(address(market)), DEPOSIT, "market balance");
    }

    function test_RevertWhen_PermitInvalid_GivenNoAllowance() external {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(buyerKey, DEPOSIT - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(market), 0, DEPOSIT
            )
        );
        vm.prank(buyer);
        market.requestJobWithPermit(trackedRequest(GPUS, HOURS, MAX_PRICE), deadline, v, r, s);
    }

    function _signPermit(uint256 pk, uint256 value) private view returns (uint8, bytes32, bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, buyer, address(market), value, usdc.nonces(buyer), deadline)
        );
        return vm.sign(pk, keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash)));
    }
}
