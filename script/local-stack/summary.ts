// The compact table printed once the stack is up: contracts, accounts, providers, team and jobs,
// then the app's URL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { pgliteDir } from './indexer.ts';

type Account = { address: string; mnemonicIndex?: number };
type SeededProvider = { providerId: number; owner: string; offerIds: number[] };
type Seed = {
  accounts: Record<string, Account>;
  gateways: Record<string, SeededProvider>;
  sellers: Record<string, SeededProvider>;
  team: {
    teamId: number;
    name: string;
    whitelistedProviderIds: number[];
    spendingCap: number;
    treasuryDeposit: number;
  };
  trackedJob: { jobId: number; teamId: number; deposit: number };
  untrackedJob: { jobId: number; jobKey: string; deposit: number; reviewSeconds: number };
};

/** The files Deploy and Seed wrote, by their paths relative to the repository root. */
function readDeploymentFiles(config: StackConfig) {
  const deploymentPath = join(config.deploymentsDir, `${config.chainId}.json`);
  const seedPath = join(config.deploymentsDir, `${config.chainId}.seed.json`);
  const read = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));
  return { seedPath, deployment: read(deploymentPath), seed: read(seedPath) as Seed };
}

export function formatSummary(config: StackConfig): string {
  const { deployment, seed, seedPath } = readDeploymentFiles(config);
  const { NectoMarket, TeamAccess, USDC } = deployment.contracts;
  const accounts = Object.entries(seed.accounts).sort(
    ([, a], [, b]) => (a.mnemonicIndex ?? 99) - (b.mnemonicIndex ?? 99),
  );
  const providers = [
    ...Object.entries(seed.gateways).map(([name, p]) => ['gateway', name, p] as const),
    ...Object.entries(seed.sellers).map(([name, p]) => ['seller', name, p] as const),
  ].sort(([, , a], [, , b]) => a.providerId - b.providerId);
  const usdc = (baseUnits: number) => `${baseUnits / 1e6} USDC`;

  return [
    `Contracts on chain ${config.chainId} at ${config.rpcUrl} (indexer start block ${deployment.startBlock})`,
    ...(config.indexerPort === undefined
      ? []
      : [
          `Indexer GraphQL at http://127.0.0.1:${config.indexerPort}/graphql, status at /status ` +
            `(${config.databaseUrl ? 'PostgreSQL' : `PGlite in indexer/${pgliteDir(config.indexerPort)}`})`,
        ]),
    ...(config.keeperPort === undefined
      ? []
      : [`Keeper API at http://127.0.0.1:${config.keeperPort} (GET /health; routes each requested job)`]),
    table([
      ['NectoMarket', NectoMarket],
      ['TeamAccess', TeamAccess],
      [deployment.usdcIsLocal ? 'USDC (LocalUSDC)' : 'USDC', USDC],
    ]),
    'Accounts (anvil mnemonic index, role, address)',
    table(accounts.map(([role, a]) => [`#${a.mnemonicIndex ?? '-'}`, role, a.address])),
    'Providers (id, kind, name, offer ids)',
    table(providers.map(([kind, name, p]) => [String(p.providerId), kind, name, p.offerIds.join(', ')])),
    `Team ${seed.team.teamId} "${seed.team.name}": treasury ${usdc(seed.team.treasuryDeposit)} deposited, ` +
      `cap ${usdc(seed.team.spendingCap)} per 30 days, whitelist ${seed.team.whitelistedProviderIds.join(', ')}`,
    config.keeperPort === undefined ? 'Jobs waiting for a route' : 'Seeded jobs, routed by the keeper at start',
    table([
      [
        String(seed.trackedJob.jobId),
        'Tracked',
        `team ${seed.trackedJob.teamId}, submitted by teamUser, deposit ${usdc(seed.trackedJob.deposit)} from the treasury`,
      ],
      [
        String(seed.untrackedJob.jobId),
        'Untracked',
        `job key ${seed.untrackedJob.jobKey}, deposit ${usdc(seed.untrackedJob.deposit)}, ` +
          `review window ${seed.untrackedJob.reviewSeconds / 60} min (key in ${seedPath})`,
      ],
    ]),
    // Last, right above the ready line: the one thing to open.
    ...(config.appPort === undefined
      ? []
      : [`App: http://127.0.0.1:${config.appPort}  (open it in a browser; it uses this chain, indexer and keeper)`]),
  ].join('\n');
}

/** Left-aligned columns, indented by two spaces. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  return rows.map((row) => `  ${line(row).trimEnd()}`).join('\n');
}
