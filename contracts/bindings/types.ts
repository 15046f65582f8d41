export type Address = `0x${string}`;

/** A deployment as script/Deploy.s.sol records it in deployments/<chainId>.json. */
export type Deployment = {
  chainId: number;
  /** No Necto event is older than this block: where indexers start. */
  startBlock: number;
  contracts: { NectoMarket: Address; TeamAccess: Address; USDC: Address };
  /** Whether USDC is the project's LocalUSDC (faucet, blacklist, pause) rather than a real USDC. */
  usdcIsLocal: boolean;
  /** Holds the market's DEFAULT_ADMIN_ROLE. */
  deployer: Address;
  keeper: Address;
  guardian: Address;
  /** Seconds a provider has to start a routed job. */
  startWindow: number;
  /** Seconds past the booked hours a provider has to report completion. */
  completionGrace: number;
};
