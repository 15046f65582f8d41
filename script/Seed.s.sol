// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {console2} from "forge-std/console2.sol";

import {INectoMarket} from "../contracts/src/interfaces/INectoMarket.sol";
import {TeamAccess} from "../contracts/src/TeamAccess.sol";
import {LocalUSDC} from "../contracts/src/tokens/LocalUSDC.sol";
import {TeamRole} from "../contracts/src/interfaces/ITeamAccess.sol";
import {Area, OfferParams, PricingModel} from "../contracts/src/interfaces/IProviderRegistry.sol";
import {JobMode, JobRequest} from "../contracts/src/interfaces/IJobRegistry.sol";
import {NectoScript} from "./NectoScript.sol";

/// @title Builds the demo world on a fresh deployment and records it in deployments/<chainId>.seed.json.
/// @notice Eight gateways for the external networks, three Necto sellers, a team with an Admin, a
/// User and a Viewer and a funded treasury, funded buyers, and two jobs waiting for the keeper: a
/// Tracked team job drawn on the treasury and an Untracked job controlled by a job key, with a
/// review window. Prices are micro-USD per GPU-hour; a gateway offer's price is the USD ceiling its
/// operator commits to (the keeper prices external networks live, never above it); a Token offer
/// carries micro-tokens per GPU-hour and its seller's USD ceiling.
/// @dev Actors are accounts of SEED_MNEMONIC (anvil's mnemonic on the local chain, required
/// elsewhere): 0 admin and gateway operator, 3-5 sellers, 6-8 team Admin/User/Viewer, 9 buyer.
/// The market admin is DEPLOYER_PRIVATE_KEY, as for Deploy. Needs the LocalUSDC faucet.
contract Seed is NectoScript {
    uint32 internal constant FIRST_SELLER_INDEX = 3;
    uint32 internal constant TEAM_ADMIN_INDEX = 6;
    uint32 internal constant TEAM_USER_INDEX = 7;
    uint32 internal constant TEAM_VIEWER_INDEX = 8;
    uint32 internal constant BUYER_INDEX = 9;
    /// @dev Derived, never funded with ETH: it signs cancel/refund messages that anyone can relay.
    uint32 internal constant JOB_KEY_INDEX = 100;
    uint256 internal constant WALLET_FUNDING = 100_000e6;
    uint256 internal constant TEAM_SPENDING_CAP = 5_000e6;
    uint256 internal constant TEAM_TREASURY_DEPOSIT = 2_000e6;
    uint32 internal constant UNTRACKED_REVIEW_SECONDS = 10 minutes;
    uint8 internal constant NO_SPOT_OR_AUCTION =
        (uint8(1) << uint8(PricingModel.Spot)) | (uint8(1) << uint8(PricingModel.Auction));

    /// @dev Keys of the JSON objects built with vm.serialize*.
    string internal constant SEED = "seed";
    string internal constant GATEWAYS = "gateways";
    string internal constant SELLERS = "sellers";

    INectoMarket internal market;
    TeamAccess internal teams;
    LocalUSDC internal usdc;
    string internal deployment;
    string internal mnemonic;
    uint256 internal adminKey;
    mapping(bytes12 sourceTag => uint32 providerId) internal gatewayIds;

    function run() external {
        _load();
        _seedGateways();
        uint32[] memory sellerIds = _seedSellers();
        uint32 teamId = _seedTeam(sellerIds);
        _fundWallets(teamId);
        _requestTrackedTeamJob(teamId);
        _requestUntrackedJob();
        _record();
    }

    /* SETUP */

    function _load() private {
        string memory path = _deploymentsFile(".json");
        if (!vm.exists(path)) {
            revert(string.concat("Seed: ", path, " not found: run script/Deploy.s.sol first"));
        }
        deployment = vm.readFile(path);
        market = INectoMarket(vm.parseJsonAddress(deployment, ".contracts.NectoMarket"));
        teams = TeamAccess(vm.parseJsonAddress(deployment, ".contracts.TeamAccess"));
        usdc = LocalUSDC(vm.parseJsonAddress(deployment, ".contracts.USDC"));
        if (!vm.parseJsonBool(deployment, ".usdcIsLocal")) {
            revert(
                string.concat("Seed: ", path, " uses an external USDC; the demo needs the LocalUSDC faucet")
            );
        }
        if (address(market).code.length == 0) {
            revert(
                string.concat(
                    "Seed: no NectoMarket on chain ", vm.toString(block.chainid), " at the address in ", path
                )
            );
        }
        if (market.providerCount() != 0 || market.jobCount() != 0) {
            revert("Seed: the market already has providers or jobs; seed a fresh deployment");
        }

        adminKey = _deployerKey();
        if (market.defaultAdmin() != vm.addr(adminKey)) {
            revert("Seed: DEPLOYER_PRIVATE_KEY is not the market admin");
        }
        if (_envIsSet("SEED_MNEMONIC")) {
            mnemonic = vm.envString("SEED_MNEMONIC");
        } else if (_isLocalChain()) {
            mnemonic = ANVIL_MNEMONIC;
        } else {
            revert(
                string.concat(
                    "SEED_MNEMONIC is required on chain ",
                    vm.toString(block.chainid),
                    ": its accounts 3-9 act as sellers, team members and buyer"
                )
            );
        }
    }

    /* GATEWAYS: one per external network, operated by the admin, each with a typical offer */

    function _seedGateways() private {
        vm.startBroadcast(adminKey);
        _gateway("akash", "Akash", _usd("H100-80G", 16, "US", Area.NA, PricingModel.Auction, 3_000_000));
        _gateway("ionet", "io.net", _token("A100-80G", 32, "US", Area.NA, "io-net", 1_100_000, 2_500_000));
        _gateway("aws-spot", "AWS EC2 Spot", _usd("H100-80G", 8, "US", Area.NA, PricingModel.Spot, 6_000_000));
        _gateway(
            "render", "Render", _token("RTX4090-24G", 24, "", Area.None, "render-token", 120_000, 1_500_000)
        );
        _gateway("nosana", "Nosana", _token("RTX4090-24G", 12, "", Area.EU, "nosana", 600_000, 1_000_000));
        _gateway("runpod", "RunPod", _usd("H100-80G", 8, "US", Area.NA, PricingModel.Fixed, 4_000_000));
        _gateway("lambda", "Lambda", _usd("H100-80G", 8, "US", Area.NA, PricingModel.Fixed, 4_000_000));
        _gateway("vast", "Vast.ai", _usd("RTX4090-24G", 8, "NL", Area.EU, PricingModel.Fixed, 800_000));
        vm.stopBroadcast();
    }

    function _gateway(string memory source, string memory name, OfferParams memory offer) private {
        address operator = vm.addr(adminKey);
        bytes12 sourceTag = bytes12(bytes(source));
        uint32 providerId = market.registerGateway(sourceTag, operator, operator, _metadata(name));
        gatewayIds[sourceTag] = providerId;
        uint256[] memory offerIds = new uint256[](1);
        offerIds[0] = market.addOffer(providerId, offer);
        string memory gateways =
            vm.serializeString(GATEWAYS, source, _providerJson(source, providerId, operator, offerIds));
        vm.serializeString(SEED, GATEWAYS, gateways);
    }

    /* NECTO SELLERS: one per pricing model a seller can list */

    function _seedSellers() private returns (uint32[] memory sellerIds) {
        sellerIds = new uint32[](3);
        OfferParams[] memory offers = new OfferParams[](2);

        offers[0] = _usd("H100-80G", 8, "DE", Area.EU, PricingModel.Fixed, 2_100_000);
        offers[1] = _usd("A100-80G", 8, "DE", Area.EU, PricingModel.Fixed, 1_450_000);
        sellerIds[0] = _seller(FIRST_SELLER_INDEX, "frankfurt-h100-lab", "Frankfurt H100 Lab", offers);

        offers[0] = _dynamic("A100-80G", 4, "US", Area.NA, 1_300_000, 5_000);
        offers[1] = _dynamic("L40S-48G", 8, "US", Area.NA, 850_000, 3_000);
        sellerIds[1] = _seller(FIRST_SELLER_INDEX + 1, "oregon-ml-cloud", "Oregon ML Cloud", offers);

        offers = new OfferParams[](1);
        offers[0] = _token("RTX4090-24G", 6, "JP", Area.APAC, "render-token", 150_000, 1_500_000);
        sellerIds[2] = _seller(FIRST_SELLER_INDEX + 2, "tokyo-render-farm", "Tokyo Render Farm", offers);
    }

    /// @dev The seller is its own payout address.
    function _seller(uint32 index, string memory slug, string memory name, OfferParams[] memory offers)
        private
        returns (uint32 providerId)
    {
        uint256 key = _actorKey(index);
        uint256[] memory offerIds = new uint256[](offers.length);
        vm.startBroadcast(key);
        providerId = market.registerProvider(vm.addr(key), _metadata(name));
        for (uint256 i; i < offers.length; i++) {
            offerIds[i] = market.addOffer(providerId, offers[i]);
        }
        vm.stopBroadcast();
        string memory sellers =
            vm.serializeString(SELLERS, slug, _providerJson(slug, providerId, vm.addr(key), offerIds));
        vm.serializeString(SEED, SELLERS, sellers);
    }

    /* TEAM: Admin, User, Viewer; a whitelist of USD-priced providers, a spending cap, a treasury */

    function _seedTeam(uint32[] memory sellerIds) private returns (uint32 teamId) {
        uint256[] memory whitelist = new uint256[](sellerIds.length + 2);
        for (uint256 i; i < sellerIds.length; i++) {
            whitelist[i] = sellerIds[i];
        }
        whitelist[sellerIds.length] = gatewayIds["runpod"];
        whitelist[sellerIds.length + 1] = gatewayIds["lambda"];

        vm.startBroadcast(_actorKey(TEAM_ADMIN_INDEX));
        teamId = teams.createTeam("Helix Bio ML");
        teams.setRole(teamId, _actor(TEAM_USER_INDEX), TeamRole.User);
        teams.setRole(teamId, _actor(TEAM_VIEWER_INDEX), TeamRole.Viewer);
        teams.setSpendingCap(teamId, TEAM_SPENDING_CAP);
        teams.setWhitelistEnabled(teamId, true);
        for (uint256 i; i < whitelist.length; i++) {
            teams.setProviderWhitelisted(teamId, uint32(whitelist[i]), true);
        }
        vm.stopBroadcast();

        string memory team = "team";
        vm.serializeUint(team, "teamId", teamId);
        vm.serializeString(team, "name", "Helix Bio ML");
        vm.serializeAddress(team, "admin", _actor(TEAM_ADMIN_INDEX));
        vm.serializeAddress(team, "user", _actor(TEAM_USER_INDEX));
        vm.serializeAddress(team, "viewer", _actor(TEAM_VIEWER_INDEX));
        vm.serializeUint(team, "spendingCap", TEAM_SPENDING_CAP);
        vm.serializeUint(team, "treasuryDeposit", TEAM_TREASURY_DEPOSIT);
        team = vm.serializeUint(team, "whitelistedProviderIds", whitelist);
        vm.serializeString(SEED, "team", team);
    }

    /// @dev Wallets for the team Admin, the team User and the buyer; the Admin funds the treasury.
    function _fundWallets(uint32 teamId) private {
        vm.startBroadcast(adminKey);
        usdc.mint(_actor(TEAM_ADMIN_INDEX), WALLET_FUNDING);
        usdc.mint(_actor(TEAM_USER_INDEX), WALLET_FUNDING);
        usdc.mint(_actor(BUYER_INDEX), WALLET_FUNDING);
        vm.stopBroadcast();
        vm.startBroadcast(_actorKey(TEAM_ADMIN_INDEX));
        usdc.approve(address(market), TEAM_TREASURY_DEPOSIT);
        market.depositToTeam(teamId, TEAM_TREASURY_DEPOSIT);
        vm.stopBroadcast();
    }

    /* JOBS: waiting for the keeper to route them */

    /// @dev 2x H100 for 4 hours at up to $3.00, any region, no spot or auction capacity, drawn on
    /// the team's treasury (no approval), no review window.
    function _requestTrackedTeamJob(uint32 teamId) private {
        JobRequest memory req =
            _job("H100-80G", 2, Area.None, 4, 3_000_000, "ghcr.io/helix-bio/esm-finetune:2.1");
        req.spec.excludedPricing = NO_SPOT_OR_AUCTION;
        req.mode = JobMode.Tracked;
        req.teamId = teamId;
        req.rerouteOptIn = true;
        vm.startBroadcast(_actorKey(TEAM_USER_INDEX));
        uint256 jobId = market.requestJob(req);
        vm.stopBroadcast();

        string memory job = "trackedJob";
        vm.serializeUint(job, "jobId", jobId);
        vm.serializeUint(job, "teamId", teamId);
        vm.serializeAddress(job, "submittedBy", _actor(TEAM_USER_INDEX));
        job = vm.serializeUint(job, "deposit", _deposit(req));
        vm.serializeString(SEED, "trackedJob", job);
        console2.log("Tracked job   %d: team %d, submitted by the team User", jobId, teamId);
    }

    /// @dev 4x A100 for 6 hours at up to $2.00 in North America, controlled by a job key, with a
    /// 10-minute review window in which the buyer's app verifies the decision.
    function _requestUntrackedJob() private {
        uint256 jobKeyPk = _actorKey(JOB_KEY_INDEX);
        JobRequest memory req =
            _job("A100-80G", 4, Area.NA, 6, 2_000_000, "docker.io/vllm/vllm-openai:v0.6.3");
        req.mode = JobMode.Untracked;
        req.jobKey = vm.addr(jobKeyPk);
        req.reviewSeconds = UNTRACKED_REVIEW_SECONDS;
        uint256 jobId = _request(_actorKey(BUYER_INDEX), req);

        string memory job = "untrackedJob";
        vm.serializeUint(job, "jobId", jobId);
        vm.serializeAddress(job, "jobKey", req.jobKey);
        vm.serializeUint(job, "reviewSeconds", req.reviewSeconds);
        // A local demo key: whoever holds it controls the job. Never do this with real funds.
        vm.serializeBytes32(job, "jobKeyPrivateKey", bytes32(jobKeyPk));
        job = vm.serializeUint(job, "deposit", _deposit(req));
        vm.serializeString(SEED, "untrackedJob", job);
        console2.log("Untracked job %d: controlled by job key %s", jobId, vm.toString(req.jobKey));
    }

    function _request(uint256 buyerKey, JobRequest memory req) private returns (uint256 jobId) {
        vm.startBroadcast(buyerKey);
        usdc.approve(address(market), _deposit(req));
        jobId = market.requestJob(req);
        vm.stopBroadcast();
    }

    /* RECORD */

    function _record() private {
        string memory accounts = "accounts";
        vm.serializeString(accounts, "admin", _account(0, vm.addr(adminKey)));
        vm.serializeString(accounts, "keeper", _account(1, vm.parseJsonAddress(deployment, ".keeper")));
        vm.serializeString(accounts, "guardian", _account(2, vm.parseJsonAddress(deployment, ".guardian")));
        for (uint32 i; i < 3; i++) {
            uint32 index = FIRST_SELLER_INDEX + i;
            vm.serializeString(
                accounts, string.concat("seller", vm.toString(i + 1)), _account(index, _actor(index))
            );
        }
        vm.serializeString(accounts, "teamAdmin", _account(TEAM_ADMIN_INDEX, _actor(TEAM_ADMIN_INDEX)));
        vm.serializeString(accounts, "teamUser", _account(TEAM_USER_INDEX, _actor(TEAM_USER_INDEX)));
        vm.serializeString(accounts, "teamViewer", _account(TEAM_VIEWER_INDEX, _actor(TEAM_VIEWER_INDEX)));
        accounts = vm.serializeString(accounts, "buyer", _account(BUYER_INDEX, _actor(BUYER_INDEX)));

        vm.serializeUint(SEED, "chainId", block.chainid);
        string memory json = vm.serializeString(SEED, "accounts", accounts);
        string memory path = _deploymentsFile(".seed.json");
        _writeJson(json, path);
        console2.log(_isBroadcasting() ? string.concat("Wrote ", path) : "Dry run: nothing written");
    }

    /// @dev An account and, when it belongs to the mnemonic at the role's usual index, that index
    /// (a keeper configured at deploy time may be any address).
    function _account(uint32 index, address account) private returns (string memory json) {
        json = string.concat("account-", vm.toString(index));
        if (account == _actor(index)) vm.serializeUint(json, "mnemonicIndex", index);
        json = vm.serializeAddress(json, "address", account);
    }

    /* BUILDERS */

    function _actorKey(uint32 index) private view returns (uint256) {
        return vm.deriveKey(mnemonic, index);
    }

    function _actor(uint32 index) private view returns (address) {
        return vm.addr(_actorKey(index));
    }

    /// @dev An offer priced in USD: a seller's Fixed price, or a gateway's USD ceiling.
    function _usd(
        string memory gpuModel,
        uint16 gpuCount,
        string memory country,
        Area area,
        PricingModel pricing,
        uint64 price
    ) private pure returns (OfferParams memory p) {
        p.gpuModel = bytes16(bytes(gpuModel));
        p.gpuCount = gpuCount;
        p.vramGb = _vramGb(gpuModel);
        p.country = bytes2(bytes(country));
        p.area = area;
        p.pricing = pricing;
        p.price = price;
    }

    function _dynamic(
        string memory gpuModel,
        uint16 gpuCount,
        string memory country,
        Area area,
        uint64 floorPrice,
        uint32 demandSlopeBps
    ) private pure returns (OfferParams memory p) {
        p = _usd(gpuModel, gpuCount, country, area, PricingModel.Dynamic, floorPrice);
        p.demandSlopeBps = demandSlopeBps;
    }

    /// @param coingeckoId The token's CoinGecko id, which the keeper's price feed looks up.
    /// @param usdCeiling The most a route may pay per GPU-hour, whatever the token's rate.
    function _token(
        string memory gpuModel,
        uint16 gpuCount,
        string memory country,
        Area area,
        string memory coingeckoId,
        uint64 microTokensPerGpuHour,
        uint64 usdCeiling
    ) private pure returns (OfferParams memory p) {
        p = _usd(gpuModel, gpuCount, country, area, PricingModel.Token, usdCeiling);
        p.tokenId = bytes32(bytes(coingeckoId));
        p.tokenAmount = microTokensPerGpuHour;
    }

    /// @dev A Tracked request with no team; the workload hash pins the image reference.
    function _job(
        string memory gpuModel,
        uint16 gpuCount,
        Area area,
        uint16 hoursRequested,
        uint64 maxPricePerGpuHour,
        string memory image
    ) private pure returns (JobRequest memory req) {
        req.spec.gpuModel = bytes16(bytes(gpuModel));
        req.spec.gpuCount = gpuCount;
        req.spec.minVramGb = _vramGb(gpuModel);
        req.spec.area = area;
        req.spec.hoursRequested = hoursRequested;
        req.spec.workloadURI = string.concat("oci://", image);
        req.spec.workloadHash = keccak256(bytes(req.spec.workloadURI));
        req.maxPricePerGpuHour = maxPricePerGpuHour;
    }

    /// @dev Canonical GPU ids end with their memory size: "H100-80G" has 80 GB.
    function _vramGb(string memory gpuModel) private pure returns (uint16) {
        return uint16(vm.parseUint(vm.replace(vm.split(gpuModel, "-")[1], "G", "")));
    }

    function _deposit(JobRequest memory req) private pure returns (uint256) {
        return uint256(req.maxPricePerGpuHour) * req.spec.gpuCount * req.spec.hoursRequested;
    }

    /// @dev A profile the app can show without fetching anything.
    function _metadata(string memory name) private pure returns (string memory) {
        return string.concat("data:application/json,{\"name\":\"", name, "\"}");
    }

    function _providerJson(string memory key, uint32 providerId, address owner, uint256[] memory offerIds)
        private
        returns (string memory json)
    {
        json = string.concat("provider-", key);
        vm.serializeUint(json, "providerId", providerId);
        vm.serializeAddress(json, "owner", owner);
        json = vm.serializeUint(json, "offerIds", offerIds);
    }
}
