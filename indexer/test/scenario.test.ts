// The indexer rebuilds the market from events alone: after the scenario (indexer/scenario), every
// entity and every derived number served at /graphql equals what the scenario computed itself.
// PGlite always; PostgreSQL too when NECTO_TEST_DATABASE_URL is set (see test/postgres.sh).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringToHex } from 'viem';
import { acquireWorld, allRows } from './harness.ts';
import type { World } from './harness.ts';
import { connect } from '../scenario/chain.ts';
import { dayOf } from '../scenario/scenario.ts';
import type { Expected } from '../scenario/scenario.ts';
import { JOB_STATUSES } from '../src/lib/decode.ts';

const PRICING = ['Fixed', 'Dynamic', 'Token', 'Spot', 'Auction'];
const STATE = ['Available', 'Reserved', 'Offline'];
const AREA = ['None', 'NA', 'SA', 'EU', 'APAC', 'MEA'];
const ROLE = ['None', 'Viewer', 'User', 'Admin'];
const KIND = { route: 'Route', reroute: 'Reroute', unroutable: 'Unroutable' } as const;

const lower = (a: string | null) => (a === null ? null : a.toLowerCase());
const str = (v: bigint | number | null) => (v === null ? null : String(v));
const sum = (values: readonly bigint[]) => values.reduce((s, v) => s + v, 0n);
const inChainOrder = <T extends { block: string; logIndex: number }>(rows: T[]) =>
  [...rows].sort((a, b) => Number(BigInt(a.block) - BigInt(b.block)) || a.logIndex - b.logIndex);
const byId = <T extends { id: string | number }>(rows: T[]) => new Map(rows.map((r) => [String(r.id), r]));

let world: World;
before(async () => {
  world = await acquireWorld();
}, { timeout: 400_000 });
after(() => world?.release());

const DATABASES = ['pglite', ...(process.env.NECTO_TEST_DATABASE_URL ? ['postgres'] : [])] as const;

for (const database of DATABASES) {
  describe(`the indexed scenario on ${database}`, () => {
    let url: string;
    let e: Expected;
    before(() => {
      url = world.indexers.find((i) => i.name === database)!.indexer.url;
      e = world.expected;
    });

    test('providers: sellers and gateways, with payout updates', async () => {
      const rows = byId(await allRows(url, 'providers', 'id owner payout sourceTag isGateway metadataURI'));
      assert.equal(rows.size, e.counts.providers);
      for (const p of e.providers) {
        assert.deepEqual(rows.get(String(p.id)), {
          id: p.id, owner: lower(p.owner), payout: lower(p.payout), sourceTag: p.sourceTag || null,
          isGateway: p.gateway, metadataURI: p.metadataURI,
        }, `provider ${p.id}`);
      }
    });

    test('offers: every pricing model, capacity state and window as last set', async () => {
      const rows = byId(await allRows(url, 'offers',
        'id providerId isGateway gpuModel gpuCount gpusInUse vramGb country area availableFrom availableUntil pricing price demandSlopeBps tokenId tokenAmount state'));
      assert.equal(rows.size, e.counts.offers);
      for (const o of e.offers) {
        assert.deepEqual(rows.get(String(o.id)), {
          id: o.id, providerId: o.providerId, isGateway: e.providers[o.providerId - 1].gateway, gpuModel: o.gpuModel,
          gpuCount: o.gpuCount, gpusInUse: o.gpusInUse, vramGb: o.vramGb, country: o.country || null, area: AREA[o.area],
          availableFrom: str(o.availableFrom), availableUntil: str(o.availableUntil), pricing: PRICING[o.pricing],
          price: str(o.price), demandSlopeBps: o.demandSlopeBps, tokenId: stringToHex(o.tokenId, { size: 32 }),
          tokenAmount: str(o.tokenAmount), state: STATE[o.state],
        }, `offer ${o.id}`);
      }
    });

    test('offer history: one event per listing, pricing, capacity and availability change', async () => {
      const rows = await allRows(url, 'offerEvents', 'offerId kind');
      const count = (offerId: number, kind: string) => rows.filter((r) => r.offerId === offerId && r.kind === kind).length;
      for (const o of e.offers) {
        assert.equal(count(o.id, 'Added'), 1, `offer ${o.id} Added`);
        assert.equal(count(o.id, 'PricingUpdated'), o.pricingChanges, `offer ${o.id} pricing`);
        assert.equal(count(o.id, 'CapacityUpdated'), o.capacityChanges, `offer ${o.id} capacity`);
        assert.equal(count(o.id, 'AvailabilityUpdated'), o.availabilityChanges, `offer ${o.id} availability`);
      }
      assert.equal(rows.length, e.counts.offers + e.counts.pricingChanges + e.counts.capacityChanges + e.counts.availabilityChanges);
    });

    test('jobs: status, offer, price, fee, review window, times and every amount', async () => {
      const rows = byId(await allRows(url, 'jobs',
        'id mode controller buyer teamId gpuModel gpuCount hoursRequested maxPricePerGpuHour reviewSeconds rerouteOptIn status offerId providerId pricePerGpuHour feeBps routedAt reviewEndsAt startedAt expiredAt deposit usedSeconds paid providerEarnings fee refundDue refunded requestedAt'));
      assert.equal(rows.size, e.counts.jobs);
      for (const j of e.jobs) {
        const row = rows.get(String(j.id));
        assert.ok(row, `job ${j.id}`);
        const { usedSeconds, requestedAt, ...rest } = row;
        assert.deepEqual(rest, {
          id: String(j.id), mode: j.mode, controller: lower(j.controller), buyer: lower(j.buyer), teamId: j.teamId || null,
          gpuModel: j.gpuModel, gpuCount: j.gpuCount, hoursRequested: j.hoursRequested,
          maxPricePerGpuHour: str(j.maxPricePerGpuHour), reviewSeconds: j.reviewSeconds, rerouteOptIn: j.rerouteOptIn,
          status: j.status, offerId: j.offerId, providerId: j.offerId === null ? null : e.offers[j.offerId - 1].providerId,
          pricePerGpuHour: str(j.pricePerGpuHour), feeBps: j.feeBps, routedAt: str(j.routedAt), reviewEndsAt: str(j.reviewEndsAt),
          startedAt: str(j.startedAt), expiredAt: str(j.expiredAt), deposit: str(j.deposit), paid: str(j.earned), providerEarnings: str(j.paid), fee: str(j.fee),
          refundDue: str(j.refundDue), refunded: str(j.refunded),
        }, `job ${j.id}`);
        if (j.status === 'Completed' || j.usedSeconds) assert.equal(usedSeconds, j.usedSeconds, `job ${j.id} usedSeconds`);
        if (j.requestedAt !== null) assert.equal(requestedAt, str(j.requestedAt), `job ${j.id} requestedAt`);
      }
      const fees = new Set(e.jobs.map((j) => j.feeBps).filter((f) => f !== null));
      assert.ok(fees.size > 1, 'jobs routed at different fees keep their own');
      assert.ok(e.jobs.some((j) => j.reviewSeconds > 0 && j.startedAt !== null), 'a job started after its review window');
    });

    test('status timeline: one transition per state change, at the scenario block times', async () => {
      const rows = await allRows(url, 'jobTransitions', 'jobId from to block logIndex timestamp');
      assert.deepEqual(new Set(rows.map((r) => r.to)), new Set(JOB_STATUSES.filter((s) => s !== 'None')), 'every status is reached');
      for (const j of e.jobs) {
        const mine = inChainOrder(rows.filter((r) => r.jobId === String(j.id)));
        const expected = e.transitions.filter((t) => t.jobId === j.id);
        // The request may or may not be recorded as a None -> Requested transition; all else must match.
        const compared = mine[0]?.to === 'Requested' ? expected : expected.filter((t) => t.kind !== 'request');
        assert.deepEqual(mine.map((r) => r.to), compared.map((t) => t.status), `job ${j.id} timeline`);
        compared.forEach((t, i) => {
          if (t.timestamp !== null) assert.equal(mine[i].timestamp, String(t.timestamp), `job ${j.id} ${t.kind} time`);
          if (i > 0) assert.equal(mine[i].from, compared[i - 1].status, `job ${j.id} ${t.kind} from`);
        });
      }
    });

    test('routing decisions: one per route, reroute and unroutable mark', async () => {
      const rows = await allRows(url, 'routingDecisions', 'jobId kind offerId fromOfferId pricePerGpuHour decisionRoot timestamp');
      assert.equal(rows.length, e.counts.routingDecisions);
      const key = (r: { jobId: string; kind: string; timestamp: string }) => `${r.jobId}:${r.kind}:${r.timestamp}`;
      const got = new Map(rows.map((r) => [key(r), r]));
      for (const d of e.routingDecisions) {
        const row = got.get(key({ jobId: String(d.jobId), kind: KIND[d.kind], timestamp: String(d.timestamp) }));
        assert.deepEqual(row, {
          jobId: String(d.jobId), kind: KIND[d.kind], offerId: d.offerId, fromOfferId: d.fromOfferId,
          pricePerGpuHour: str(d.pricePerGpuHour), decisionRoot: d.decisionRoot, timestamp: String(d.timestamp),
        }, `${d.kind} of job ${d.jobId}`);
      }
    });

    test('escrow: withdrawals, earnings accounts and protocol settings', async () => {
      const withdrawals = await allRows(url, 'withdrawals', 'account to amount timestamp');
      assert.deepEqual(
        withdrawals.map((w) => ({ ...w })).sort((a, b) => a.timestamp.localeCompare(b.timestamp)),
        e.withdrawals.map((w) => ({ account: lower(w.account), to: lower(w.to), amount: str(w.amount), timestamp: str(w.timestamp) })),
      );
      const accounts = byId(await allRows(url, 'earningsAccounts', 'id credited withdrawn balance'));
      for (const w of e.withdrawals) {
        assert.deepEqual(accounts.get(lower(w.account)!), {
          id: lower(w.account), credited: str(w.amount), withdrawn: str(w.amount), balance: '0',
        }, `earnings of ${w.account}`);
      }
      const fees = sum(e.jobs.map((j) => j.fee));
      assert.equal(accounts.get(lower(e.protocol.treasury)!)?.credited, str(fees), 'treasury credited with every fee');
    });

    test('protocol settings, market roles and the two-step admin transfer', async () => {
      const settings = await allRows(url, 'protocolSettings',
        'feeBps treasury paused pendingAdmin pendingAdminSchedule pendingAdminDelay pendingAdminDelaySchedule');
      const p = e.protocol;
      assert.deepEqual(settings, [{
        feeBps: p.feeBps, treasury: lower(p.treasury), paused: p.paused, pendingAdmin: lower(p.pendingAdmin),
        pendingAdminSchedule: str(p.pendingAdminSchedule), pendingAdminDelay: str(p.pendingAdminDelay),
        pendingAdminDelaySchedule: str(p.pendingAdminDelaySchedule),
      }]);
      const roles = await allRows(url, 'marketRoles', 'role account granted');
      const key = (r: { role: string; account: string; granted: boolean }) => `${r.role}:${lower(r.account)}:${r.granted}`;
      assert.deepEqual(roles.map(key).sort(), e.marketRoles.map(key).sort());
    });

    test('escrow movements add up per job', async () => {
      const rows = await allRows(url, 'escrowMovements', 'kind jobId account teamId amount');
      const BUYER_SIDE = ['Deposit', 'Refund', 'CancelRefund'];
      for (const j of e.jobs) {
        const mine = rows.filter((r) => r.jobId === String(j.id));
        const total = (...kinds: string[]) => sum(mine.filter((r) => kinds.includes(r.kind)).map((r) => BigInt(r.amount)));
        assert.equal(total('Deposit'), j.deposit, `job ${j.id} deposit`);
        assert.equal(total('Refund', 'CancelRefund'), j.refunded, `job ${j.id} refunds`);
        assert.equal(total('EarningCredit'), j.paid, `job ${j.id} earnings`);
        assert.equal(total('FeeCredit'), j.fee, `job ${j.id} fee`);
        // A team job is funded by and refunded to its treasury, never a wallet.
        const side = j.teamId ? { account: null, teamId: j.teamId } : { account: lower(j.buyer), teamId: null };
        for (const r of mine.filter((r) => BUYER_SIDE.includes(r.kind))) {
          assert.deepEqual({ account: r.account, teamId: r.teamId }, side, `job ${j.id} ${r.kind} belongs to`);
        }
      }
      const withdrawn = sum(rows.filter((r) => r.kind === 'Withdrawal').map((r) => BigInt(r.amount)));
      assert.equal(withdrawn, sum(e.withdrawals.map((w) => w.amount)));
    });

    test('teams: members and roles, whitelist entries and caps', async () => {
      const teams = byId(await allRows(url, 'teams', 'id name creator whitelistEnabled spendingCap'));
      const members = await allRows(url, 'teamMembers', 'teamId account role');
      const whitelist = await allRows(url, 'teamWhitelists', 'teamId providerId allowed');
      assert.equal(teams.size, e.teams.length);
      for (const t of e.teams) {
        assert.deepEqual(teams.get(String(t.id)), {
          id: t.id, name: t.name, creator: lower(t.creator), whitelistEnabled: t.whitelistEnabled, spendingCap: str(t.spendingCap),
        }, `team ${t.id}`);
        const roles = Object.fromEntries(members.filter((m) => m.teamId === t.id).map((m) => [m.account, m.role]));
        assert.deepEqual(roles, Object.fromEntries(Object.entries(t.roles).map(([a, r]) => [lower(a), ROLE[r]])), `team ${t.id} roles`);
        const entries = Object.fromEntries(whitelist.filter((w) => w.teamId === t.id).map((w) => [w.providerId, w.allowed]));
        assert.deepEqual(entries, t.whitelist, `team ${t.id} whitelist`);
      }
    });

    test('team treasuries: totals with deposited = balance + committed + spent + withdrawn, and the window spend', async () => {
      const teams = byId(await allRows(url, 'teams', 'id balance deposited withdrawn committed spent windowSpend windowSpendAt'));
      const jobs = await allRows(url, 'jobs', 'teamId status deposit paid');
      const OPEN = ['Requested', 'Routed', 'Started'];
      for (const t of e.teams) {
        const row = teams.get(String(t.id));
        assert.ok(row, `team ${t.id}`);
        const [deposited, balance, committed, spent, withdrawn] = [row.deposited, row.balance, row.committed, row.spent, row.withdrawn].map(BigInt);
        assert.equal(deposited, balance + committed + spent + withdrawn, `team ${t.id} balance identity`);
        const tr = t.treasury;
        assert.deepEqual(row, {
          id: t.id, balance: str(tr.balance), deposited: str(tr.deposited), withdrawn: str(tr.withdrawn),
          committed: str(tr.committed), spent: str(tr.spent), windowSpend: str(tr.windowSpend), windowSpendAt: str(tr.windowSpendAt),
        }, `team ${t.id} treasury`);
        const teamJobs = jobs.filter((j) => j.teamId === t.id);
        assert.equal(spent, sum(teamJobs.map((j) => BigInt(j.paid))), `team ${t.id} spent = settlements of its jobs`);
        assert.equal(committed, sum(teamJobs.filter((j) => OPEN.includes(j.status)).map((j) => BigInt(j.deposit))),
          `team ${t.id} committed = deposits of its open jobs`);
      }
      assert.ok(e.teams.some((t) => t.treasury.withdrawn > 0n && t.treasury.spent > 0n), 'a treasury was spent from and withdrawn from');
      assert.ok(e.teams.some((t) => t.treasury.committed > 0n), 'a team job is still open');
      assert.ok(e.teams.every((t) => t.treasury.windowSpend > 0n), 'every team has spend counting against its cap');
    });

    test("team treasuries: the indexed balance and window spend are the chain's teamFunds at the end", async () => {
      const teams = byId(await allRows(url, 'teams', 'id balance windowSpend'));
      const chain = connect(world.chain.rpcUrl);
      for (const t of e.teams) {
        const [balance, windowSpend] = (await chain.read('market', 'teamFunds', [t.id])) as bigint[];
        // The live window spend equals the last reported one here: spend counts for at least 30
        // days, and the scenario's is a few days old.
        assert.deepEqual(teams.get(String(t.id)), { id: t.id, balance: str(balance), windowSpend: str(windowSpend) }, `team ${t.id}`);
      }
    });

    test('team treasury movements: deposits, withdrawals, job funding and credit back, in chain order', async () => {
      const rows = inChainOrder(await allRows(url, 'teamTreasuryMovements', 'teamId kind jobId account to amount balance block logIndex timestamp'));
      const got = rows.map(({ block, logIndex, timestamp, ...rest }) => ({ ...rest, timestamp }));
      const want = e.treasuryMovements.map((m) => ({
        teamId: m.teamId, kind: m.kind, jobId: str(m.jobId), account: lower(m.account), to: lower(m.to),
        amount: str(m.amount), balance: str(m.balance), timestamp: str(m.timestamp),
      }));
      assert.equal(got.length, want.length, 'one movement per balance change');
      // The seed's movements happened before the scenario's clock: their block times are not known.
      got.forEach((row, i) => assert.deepEqual(want[i].timestamp === null ? { ...row, timestamp: null } : row, want[i], `movement ${i}`));
      for (const kind of ['Deposit', 'Withdrawal', 'JobFunding', 'CreditBack']) {
        assert.ok(rows.some((r) => r.kind === kind), `a ${kind} movement`);
      }
    });

    test('derived: provider earnings per day', async () => {
      const rows = await allRows(url, 'providerDailyEarnings', 'providerId day earnings fees jobsCompleted');
      assert.deepEqual(
        rows.map((r) => `${r.providerId}@${r.day}: ${r.earnings} net, ${r.fees} fees, ${r.jobsCompleted} jobs`).sort(),
        e.providerEarningsByDay.map((r) => `${r.providerId}@${r.day}: ${r.paid} net, ${r.fee} fees, ${r.jobs} jobs`).sort(),
      );
    });

    test('derived: utilization per offer (GPU-hours used)', async () => {
      const rows = byId(await allRows(url, 'offerUtilizations', 'id gpuSecondsUsed gpuHoursUsed jobsCompleted gpuSecondsOffered ratioBps'));
      for (const o of e.offers) {
        const jobs = e.jobs.filter((j) => j.offerId === o.id && j.usedSeconds > 0).length;
        const row = rows.get(String(o.id));
        if (o.gpuSecondsUsed === 0n && !row) continue;
        assert.ok(row, `utilization of offer ${o.id}`);
        assert.equal(row.gpuSecondsUsed, str(o.gpuSecondsUsed), `offer ${o.id} GPU-seconds used`);
        assert.equal(row.gpuHoursUsed, Number(o.gpuSecondsUsed) / 3600, `offer ${o.id} GPU-hours used`);
        assert.equal(row.jobsCompleted, jobs, `offer ${o.id} jobs completed`);
        const offered = BigInt(row.gpuSecondsOffered);
        assert.equal(row.ratioBps, str(offered === 0n ? 0n : (o.gpuSecondsUsed * 10_000n) / offered), `offer ${o.id} ratio`);
      }
    });

    test('derived: team spend per user, provider and day', async () => {
      const rows = await allRows(url, 'teamDailySpends', 'teamId user providerId day committed paid creditedBack jobs');
      const seedDayMax = dayOf(e.t0);
      const unmatched = [...rows];
      for (const s of e.teamSpendByUserProviderDay) {
        const i = unmatched.findIndex(
          (r) => r.teamId === s.teamId && r.user === lower(s.user) && r.providerId === s.providerId &&
            (s.day === null ? r.day <= seedDayMax : r.day === s.day),
        );
        assert.ok(i >= 0, `team ${s.teamId} spend of ${s.user} on provider ${s.providerId}, day ${s.day}`);
        const [row] = unmatched.splice(i, 1);
        assert.deepEqual(
          [row.committed, row.paid, row.creditedBack, row.jobs],
          [str(s.committed), str(s.paid), str(s.creditedBack), s.jobs],
          `team ${s.teamId} ${s.user} ${s.providerId}`,
        );
      }
      assert.deepEqual(unmatched.filter((r) => r.jobs > 0), [], 'no unexpected team spend rows');
    });

    test('derived: market statistics per GPU model and day', async () => {
      const rows = await allRows(url, 'gpuModelDailyStats', 'gpuModel day jobsRouted routes minPrice medianPrice priceCounts');
      assert.deepEqual(
        rows.map((r) => ({ ...r })).sort((a, b) => `${a.gpuModel}${a.day}`.localeCompare(`${b.gpuModel}${b.day}`)),
        e.marketStatsByDay
          .map((s) => ({
            gpuModel: s.gpuModel, day: s.day, jobsRouted: s.jobsRouted, routes: s.prices.length, minPrice: str(s.minPrice),
            medianPrice: str(s.medianPrice), priceCounts: histogram(s.prices),
          }))
          .sort((a, b) => `${a.gpuModel}${a.day}`.localeCompare(`${b.gpuModel}${b.day}`)),
      );
      const prices = await allRows(url, 'routedPrices', 'jobId kind price');
      assert.equal(prices.length, e.counts.routes + e.counts.reroutes);
    });

    test('untracked jobs have no buyer value in any table', async () => {
      const untracked = e.jobs.filter((j) => j.mode === 'Untracked');
      assert.ok(untracked.length >= 3);
      const ids = new Set(untracked.map((j) => String(j.id)));
      const keys = new Set(untracked.map((j) => lower(j.controller)));
      const jobs = await allRows(url, 'jobs', 'id mode buyer controller teamId');
      for (const j of jobs.filter((j) => ids.has(j.id))) {
        assert.equal(j.buyer, null, `job ${j.id} buyer`);
        assert.equal(j.teamId, null, `job ${j.id} team`);
        assert.ok(keys.has(j.controller), `job ${j.id} controller is its job key`);
      }
      // No row of an untracked job names the wallet that funded it (providers and the treasury
      // it pays may appear: they are not the buyer).
      const payerOf = new Map(untracked.map((j) => [String(j.id), lower(j.payer)]));
      const perJob: [string, string][] = [
        ['escrowMovements', 'jobId account'],
        ['teamTreasuryMovements', 'jobId account'],
        ['jobTransitions', 'jobId'],
        ['routingDecisions', 'jobId'],
        ['routedPrices', 'jobId'],
      ];
      for (const [plural, fields] of perJob) {
        for (const row of (await allRows(url, plural, fields)).filter((r) => ids.has(r.jobId))) {
          for (const [field, value] of Object.entries(row)) {
            if (field === 'jobId' || value === null) continue;
            assert.notEqual(String(value).toLowerCase(), payerOf.get(row.jobId), `${plural}.${field} of untracked job ${row.jobId} names its buyer`);
          }
        }
      }
      const movements = await allRows(url, 'teamTreasuryMovements', 'jobId');
      assert.ok(!movements.some((m) => ids.has(m.jobId)), 'no treasury movement for an untracked job');
    });
  });
}

/** { price: count } of a list of prices, as the indexer keeps them. */
function histogram(prices: readonly bigint[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const price of prices) counts[String(price)] = (counts[String(price)] ?? 0) + 1;
  return counts;
}
