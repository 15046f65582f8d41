// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {TeamAccess} from "../../src/TeamAccess.sol";
import {LocalUSDC} from "../../src/tokens/LocalUSDC.sol";
import {INectoMarket} from "../../src/interfaces/INectoMarket.sol";
import {MarketDeployer} from "./MarketDeployer.sol";
import {ITeamAccess, TeamRole} from "../../src/interfaces/ITeamAccess.sol";
import {Area, OfferParams, PricingModel} from "../../src/interfaces/IProviderRegistry.sol";
import {JobAction, JobMode, JobRequest, JobSpec} from "../../src/interfaces/IJobRegistry.sol";

/// @notice A deployed market with one seller (Fixed, Dynamic and Token offers), one gateway, a team
/// (its treasury empty until fundTeamTreasury) and funded buyers; helpers to request jobs in both modes and to sign job
/// actions. The market is deployed from its IR-compiled artifact (see foundry.toml) and driven
/// through INectoMarket, exactly as it is deployed.
abstract contract NectoFixture is MarketDeployer {
    uint256 internal constant START_WINDOW = 2 hours;
    uint256 internal constant COMPLETION_GRACE = 1 days;
    uint256 internal constant T0 = 1_800_000_000;

    bytes16 internal constant H100 = "H100-80G";
    bytes16 internal constant A100 = "A100-80G";
    bytes32 internal constant ROOT = keccak256("decision record 1");
    bytes32 internal constant ROOT2 = keccak256("decision record 2");
    bytes32 internal constant WORKLOAD_HASH = keccak256("docker.io/necto/train:1 python train.py");

    LocalUSDC internal usdc;
    TeamAccess internal team;
    INectoMarket internal market;

    address internal admin = makeAddr("admin");
    address internal keeper = makeAddr("keeper");
    address internal guardian = makeAddr("guardian");
    address internal treasury = makeAddr("treasury");
    address internal seller = makeAddr("seller");
    address internal sellerPayout = makeAddr("sellerPayout");
    address internal gatewayOperator = makeAddr("gatewayOperator");
    address internal buyer;
    uint256 internal buyerKey;
    address internal jobKey;
    uint256 internal jobKeyPk;
    address internal teamAdmin = makeAddr("teamAdmin");
    address internal teamUser = makeAddr("teamUser");
    address internal teamViewer = makeAddr("teamViewer");
    address internal stranger = makeAddr("stranger");

    uint32 internal sellerId;
    uint32 internal gatewayId;
    uint32 internal fixedOffer; // 8x H100, EU/DE, $2.00
    uint32 internal dynamicOffer; // 8x H100, EU/FR, floor $1.80, slope 50%
    uint32 internal tokenOffer; // 4x H100, NA/US, 3.2 AKT per GPU-hour, ceiling $2.80
    uint32 internal gatewayOffer; // 16x H100, Akash auction, any region, ceiling $3.00
    uint32 internal teamId;

    uint64 internal constant TOKEN_CEILING = 2_800_000;
    uint64 internal constant GATEWAY_CEILING = 3_000_000;
    uint256 internal constant TEAM_TREASURY = 10_000e6;

    function setUp() public virtual {
        vm.warp(T0);
        (buyer, buyerKey) = makeAddrAndKey("buyer");
        (jobKey, jobKeyPk) = makeAddrAndKey("jobKey");

        usdc = new LocalUSDC(admin);
        team = new TeamAccess();
        market = deployMarket(
            admin, IERC20(address(usdc)), ITeamAccess(address(team)), START_WINDOW, COMPLETION_GRACE
        );

        vm.startPrank(admin);
        market.grantRole(market.KEEPER_ROLE(), keeper);
        market.grantRole(market.GUARDIAN_ROLE(), guardian);
        gatewayId = market.registerGateway("akash", gatewayOperator, gatewayOperator, "ipfs://gateway-akash");
        usdc.mint(buyer, 1_000_000e6);
        usdc.mint(teamUser, 1_000_000e6);
        usdc.mint(teamAdmin, 1_000_000e6);
        vm.stopPrank();

        vm.startPrank(seller);
        sellerId = market.registerProvider(sellerPayout, "ipfs://seller-profile");
        fixedOffer = market.addOffer(sellerId, offerParams(PricingModel.Fixed, 8, "DE", Area.EU, 2_000_000));
        dynamicOffer = market.addOffer(sellerId, dynamicParams());
        tokenOffer = market.addOffer(sellerId, tokenParams());
        vm.stopPrank();

        OfferParams memory gw = offerParams(PricingModel.Auction, 16, bytes2(0), Area.None, GATEWAY_CEILING);
        vm.prank(gatewayOperator);
        gatewayOffer = market.addOffer(gatewayId, gw);

        vm.startPrank(teamAdmin);
        teamId = team.createTeam("lab");
        team.setRole(teamId, teamUser, TeamRole.User);
        team.setRole(teamId, teamViewer, TeamRole.Viewer);
        vm.stopPrank();

        _approveAll(buyer);
        _approveAll(teamUser);
        _approveAll(teamAdmin);
    }

    /* OFFERS */

    function offerParams(PricingModel pricing, uint16 gpus, bytes2 country, Area area, uint64 price)
        internal
        pure
        returns (OfferParams memory p)
    {
        p.gpuModel = H100;
        p.gpuCount = gpus;
        p.vramGb = 80;
        p.country = country;
        p.area = area;
        p.availableFrom = 0;
        p.availableUntil = 0;
        p.pricing = pricing;
        p.price = price;
    }

    function dynamicParams() internal pure returns (OfferParams memory p) {
        p = offerParams(PricingModel.Dynamic, 8, "FR", Area.EU, 1_800_000);
        p.demandSlopeBps = 5000;
    }

    function tokenParams() internal pure returns (OfferParams memory p) {
        p = offerParams(PricingModel.Token, 4, "US", Area.NA, TOKEN_CEILING);
        p.tokenId = "akash-network";
        p.tokenAmount = 3_200_000;
    }

    /* JOBS */

    function jobSpec(uint16 gpus, uint16 hoursRequested) internal pure returns (JobSpec memory s) {
        s.gpuModel = H100;
        s.gpuCount = gpus;
        s.minVramGb = 80;
        s.hoursRequested = hoursRequested;
        s.workloadURI = "ipfs://bafyworkload";
        s.workloadHash = WORKLOAD_HASH;
    }

    function trackedRequest(uint16 gpus, uint16 hoursRequested, uint64 maxPrice)
        internal
        pure
        returns (JobRequest memory r)
    {
        r.spec = jobSpec(gpus, hoursRequested);
        r.maxPricePerGpuHour = maxPrice;
        r.mode = JobMode.Tracked;
    }

    /// @notice A team job of `teamUser`, drawn on the team's treasury.
    function teamRequest(uint16 gpus, uint16 hoursRequested, uint64 maxPrice)
        internal
        view
        returns (JobRequest memory r)
    {
        r = trackedRequest(gpus, hoursRequested, maxPrice);
        r.teamId = teamId;
    }

    function untrackedRequest(uint16 gpus, uint16 hoursRequested, uint64 maxPrice)
        internal
        view
        returns (JobRequest memory r)
    {
        r = trackedRequest(gpus, hoursRequested, maxPrice);
        r.mode = JobMode.Untracked;
        r.jobKey = jobKey;
    }

    /// @notice A Tracked job from `buyer`: 2 GPUs x 4 hours at up to $3.00 (deposit 24 USDC).
    function requestTracked() internal returns (uint256 jobId) {
        vm.prank(buyer);
        jobId = market.requestJob(trackedRequest(2, 4, 3_000_000));
    }

    /// @notice An Untracked job funded by `buyer`, controlled by `jobKey`.
    function requestUntracked() internal returns (uint256 jobId) {
        vm.prank(buyer);
        jobId = market.requestJob(untrackedRequest(2, 4, 3_000_000));
    }

    /// @notice The team Admin deposits TEAM_TREASURY into the team's treasury.
    function fundTeamTreasury() internal {
        vm.prank(teamAdmin);
        market.depositToTeam(teamId, TEAM_TREASURY);
    }

    /// @notice A team job from `teamUser`: 2 GPUs x 4 hours at up to $3.00 (deposit 24 USDC).
    function requestTeam() internal returns (uint256 jobId) {
        vm.prank(teamUser);
        jobId = market.requestJob(teamRequest(2, 4, 3_000_000));
    }

    function routeTo(uint256 jobId, uint32 offerId, uint64 price) internal {
        vm.prank(keeper);
        market.route(jobId, offerId, price, ROOT);
    }

    function startAs(uint256 jobId, address provider) internal {
        vm.prank(provider);
        market.startJob(jobId);
    }

    /// @notice Signs a job action with `pk` (the controller's key).
    function signAction(uint256 pk, uint256 jobId, JobAction action, address recipient, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(pk, market.jobActionDigest(jobId, action, recipient, deadline));
        return abi.encodePacked(r, s, v);
    }

    function _approveAll(address account) internal {
        vm.prank(account);
        usdc.approve(address(market), type(uint256).max);
    }
}
