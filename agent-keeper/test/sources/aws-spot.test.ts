import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { GPU_MODEL_IDS, resolveGpuModel } from '../../src/gpu-models.ts';
import { GPU_INSTANCE_TYPES, gpuOfInstanceType } from '../../src/sources/aws-instance-types.ts';
import { awsRegions, awsSpot, createAwsSpotSource } from '../../src/sources/aws-spot.ts';
import { SourceError } from '../../src/sources/source.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const snapshotXml = readFileSync(
  new URL('../../snapshots/aws-spot/describe-spot-price-history.xml', import.meta.url),
  'utf8',
);
const routes = JSON.parse(readFileSync(new URL('../../snapshots/aws-spot/routes.json', import.meta.url), 'utf8'));

type Row = { type: string; az: string; price: string; at: string; product?: string };

/** The EC2 Query API answer for rows, as the SDK receives it. */
function spotXml(rows: Row[], nextToken = ''): string {
  const items = rows
    .map(
      (r) =>
        `<item><instanceType>${r.type}</instanceType><productDescription>${r.product ?? 'Linux/UNIX'}</productDescription>` +
        `<spotPrice>${r.price}</spotPrice><timestamp>${r.at}</timestamp><availabilityZone>${r.az}</availabilityZone></item>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><spotPriceHistorySet>${items}</spotPriceHistorySet>` +
    `${nextToken ? `<nextToken>${nextToken}</nextToken>` : '<nextToken/>'}</DescribeSpotPriceHistoryResponse>`
  );
}

/** The region a signed request is for: SigV4's credential scope names it. */
function regionOf(request: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/ec2\//.exec(String(request.headers.authorization))?.[1] ?? '?';
}

function serveXml(
  answer: (request: IncomingMessage & { body: string }) => { status?: number; body: string } | undefined,
): Promise<TestServer> {
  return startServer((request, response) => {
    const reply = answer(request);
    if (!reply) return; // hang
    response.writeHead(reply.status ?? 200, { 'content-type': 'text/xml;charset=UTF-8' });
    response.end(reply.body);
  });
}

async function quotesFor(
  answer: Parameters<typeof serveXml>[0],
  regions = 'us-east-1',
  context: Partial<Parameters<typeof testContext>[1]> = {},
) {
  const server = await serveXml(answer);
  try {
    const source = createAwsSpotSource({ env: { NECTO_AWS_REGIONS: regions } });
    const result = await source.fetchQuotes(testContext(server.url, context));
    return { ...result, requests: server.requests };
  } finally {
    await server.close();
  }
}

// The README's example rows (shared/provider-formats/aws-describe-spot-price-history.json).
const readmeRows: Row[] = [
  { type: 'p5.48xlarge', az: 'us-east-1a', price: '20.000000', at: '2026-08-01T10:04:11.000Z' },
  { type: 'p5.48xlarge', az: 'us-east-1a', price: '99.000000', at: '2026-07-31T22:10:40.000Z' },
  { type: 'p5.48xlarge', az: 'us-east-1b', price: '21.500000', at: '2026-08-01T09:58:02.000Z' },
  { type: 'g5.xlarge', az: 'us-east-1d', price: '0.420000', at: '2026-08-01T00:00:00.000Z' },
  { type: 'g5.12xlarge', az: 'us-east-1d', price: '2.310000', at: '2026-08-01T07:31:55.000Z' },
];

test('the README rows: string USD per instance-hour / GPUs, latest Timestamp per (type, AZ)', async () => {
  const { quotes, rejected } = await quotesFor(() => ({ body: spotXml(readmeRows) }));
  assert.equal(rejected.length, 0);
  const byId = new Map(quotes.map((q) => [q.offerId, q]));
  assert.equal(quotes.length, 4);
  const p5a = byId.get('p5.48xlarge@us-east-1a');
  assert.ok(p5a);
  assert.equal(p5a.effectiveMicroUsdPerGpuHour, 2_500_000); // "20.000000" / 8 GPUs = 2.50 (the older 99.00 row is history)
  assert.equal(p5a.gpuModel, 'H100-80G');
  assert.equal(p5a.unitGpus, 8);
  assert.equal(p5a.availableGpus, 8);
  assert.equal(p5a.pricingModel, 'spot');
  assert.equal(p5a.provider, 'aws-spot');
  assert.deepEqual(p5a.raw, { value: '20.000000', unit: 'USD/instance-hour', currency: 'USD' });
  assert.deepEqual(p5a.region, { country: 'US', area: 'NA' });
  assert.equal(p5a.observedAt, NOW); // the price in effect at the scan (StartTime = now)
  assert.match(p5a.note ?? '', /in effect since 2026-08-01T10:04:11Z/); // when that price was set
  assert.match(p5a.note ?? '', /not capacity/);
  assert.equal(byId.get('p5.48xlarge@us-east-1b')?.effectiveMicroUsdPerGpuHour, 2_687_500); // 21.50 / 8 = 2.6875
  assert.equal(byId.get('g5.xlarge@us-east-1d')?.effectiveMicroUsdPerGpuHour, 420_000); // 0.42 / 1
  assert.equal(byId.get('g5.12xlarge@us-east-1d')?.effectiveMicroUsdPerGpuHour, 577_500); // 2.31 / 4 = 0.5775
});

test('the latest row wins whatever the order: oldest-first, newest-first, shuffled', async () => {
  const orders = [
    readmeRows,
    [...readmeRows].reverse(),
    [readmeRows[1], readmeRows[3], readmeRows[0], readmeRows[4], readmeRows[2]] as Row[],
  ];
  for (const rows of orders) {
    const { quotes } = await quotesFor(() => ({ body: spotXml(rows) }));
    const p5a = quotes.find((q) => q.offerId === 'p5.48xlarge@us-east-1a');
    assert.equal(p5a?.raw.value, '20.000000');
    assert.equal(p5a?.effectiveMicroUsdPerGpuHour, 2_500_000); // 20.00 / 8, never 99.00 / 8 = 12.375
  }
});

test('the request: POST form to the endpoint override with the table types, Linux/UNIX and StartTime = now', async () => {
  const { requests } = await quotesFor(() => ({ body: spotXml([]) }));
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request?.method, 'POST');
  const form = new URLSearchParams(request?.body);
  assert.equal(form.get('Action'), 'DescribeSpotPriceHistory');
  assert.equal(form.get('ProductDescription.1'), 'Linux/UNIX');
  assert.equal(form.get('StartTime'), new Date(NOW * 1000).toISOString().replace('.000Z', 'Z')); // 2026-11-20T12:00:00Z
  const types = [...form.entries()]
    .filter(([k]) => k.startsWith('InstanceType.'))
    .map(([, v]) => v)
    .sort();
  assert.deepEqual(types, [...GPU_INSTANCE_TYPES].sort());
  assert.ok(types.includes('p5.48xlarge') && types.includes('g6f.large') && types.includes('p6-b200.48xlarge'));
});

test('the recorded snapshot: three regions from one XML, each AZ mapped to its region', async () => {
  assert.deepEqual(routes, [
    {
      method: 'POST',
      path: '/',
      file: 'describe-spot-price-history.xml',
      bodyIncludes: 'Action=DescribeSpotPriceHistory',
      contentType: 'text/xml',
    },
  ]);
  const { quotes, rejected, requests } = await quotesFor(
    () => ({ body: snapshotXml }),
    'us-east-1,us-west-2,eu-central-1',
  );
  assert.equal(requests.length, 3); // one client per region; with one endpoint all reach this server
  assert.equal(rejected.length, 0);
  assert.equal(quotes.length, 34); // 34 rows, 34 distinct (type, AZ): none counted twice across regions
  assert.equal(new Set(quotes.map((q) => q.offerId)).size, 34);
  const byId = new Map(quotes.map((q) => [q.offerId, q]));
  assert.equal(byId.get('p5.48xlarge@us-east-1a')?.effectiveMicroUsdPerGpuHour, 1_557_100); // 12.4568 / 8
  assert.equal(byId.get('p5.48xlarge@eu-central-1a')?.effectiveMicroUsdPerGpuHour, 1_863_200); // 14.9056 / 8
  assert.deepEqual(byId.get('p5.48xlarge@eu-central-1a')?.region, { country: 'DE', area: 'EU' });
  assert.deepEqual(byId.get('p5.48xlarge@us-west-2a')?.region, { country: 'US', area: 'NA' });
  assert.equal(byId.get('p6-b200.48xlarge@us-west-2c')?.effectiveMicroUsdPerGpuHour, 3_685_200); // 29.4816 / 8
  assert.equal(byId.get('g4dn.metal@eu-central-1a')?.effectiveMicroUsdPerGpuHour, 372_500); // 2.98 / 8
});

test('GPU counts that the size suffix does not predict: g5.16xlarge 1, g5.12xlarge 4, p5.4xlarge 1', async () => {
  const { quotes } = await quotesFor(() => ({ body: snapshotXml }));
  const byId = new Map(quotes.map((q) => [q.offerId, q]));
  assert.equal(byId.get('g5.16xlarge@us-east-1a')?.unitGpus, 1);
  assert.equal(byId.get('g5.16xlarge@us-east-1a')?.effectiveMicroUsdPerGpuHour, 1_642_900); // 1.6429 / 1 GPU
  assert.equal(byId.get('g5.12xlarge@us-east-1d')?.unitGpus, 4);
  assert.equal(byId.get('g5.12xlarge@us-east-1d')?.effectiveMicroUsdPerGpuHour, 554_600); // 2.2184 / 4
  assert.equal(byId.get('g5.48xlarge@us-east-1b')?.effectiveMicroUsdPerGpuHour, 812_300); // 6.4984 / 8
  const { quotes: west } = await quotesFor(() => ({ body: snapshotXml }), 'us-west-2');
  const p5small = west.find((q) => q.offerId === 'p5.4xlarge@us-west-2b');
  assert.equal(p5small?.unitGpus, 1);
  assert.equal(p5small?.effectiveMicroUsdPerGpuHour, 1_734_500); // 1.7345 / 1 GPU
});

test('the overrides: p4de is A100 80 GB, p4d 40 GB, p5en H200, p3dn V100 32 GB', async () => {
  const { quotes } = await quotesFor(() => ({ body: snapshotXml }), 'us-east-1,us-west-2');
  const model = (id: string) => quotes.find((q) => q.offerId === id)?.gpuModel;
  assert.equal(model('p4de.24xlarge@us-east-1b'), 'A100-80G');
  assert.equal(model('p4d.24xlarge@us-east-1a'), 'A100-40G');
  assert.equal(model('p5en.48xlarge@us-east-1c'), 'H200-141G');
  assert.equal(model('p3dn.24xlarge@us-west-2a'), 'V100-32G');
  assert.equal(model('p3.2xlarge@us-east-1b'), 'V100-16G');
  const p4de = quotes.find((q) => q.offerId === 'p4de.24xlarge@us-east-1b');
  assert.equal(p4de?.effectiveMicroUsdPerGpuHour, 992_600); // 7.9408 / 8
  assert.equal(p4de?.vramGb, 80);
});

test('fractional g6f/gr6f: GPU share = MiB / 22888, price per whole-GPU equivalent, memory of the share', async () => {
  const { quotes } = await quotesFor(() => ({ body: snapshotXml }));
  const large = quotes.find((q) => q.offerId === 'g6f.large@us-east-1a');
  assert.ok(large);
  assert.equal(large.unitGpus, 0.125); // 2861 MiB / 22888 MiB = 1/8
  assert.equal(large.availableGpus, 0.125);
  assert.equal(large.effectiveMicroUsdPerGpuHour, 559_200); // 0.0699 / 0.125 = 0.5592
  assert.equal(large.gpuModel, 'L4-24G');
  assert.equal(large.vramGb, 2.8); // 2861 / 1024 = 2.79 GB, what the job actually gets
  assert.match(large.note ?? '', /1\/8 share of an L4/);
  const quarter = quotes.find((q) => q.offerId === 'g6f.2xlarge@us-east-1b');
  assert.equal(quarter?.unitGpus, 0.25); // 5722 / 22888
  assert.equal(quarter?.effectiveMicroUsdPerGpuHour, 684_800); // 0.1712 / 0.25
  const half = quotes.find((q) => q.offerId === 'gr6f.4xlarge@us-east-1c');
  assert.equal(half?.unitGpus, 0.5); // 11444 / 22888
  assert.equal(half?.effectiveMicroUsdPerGpuHour, 897_200); // 0.4486 / 0.5
});

test('bad prices and unknown types are rejected per row; other products are ignored', async () => {
  const rows: Row[] = [
    { type: 'g5.xlarge', az: 'us-east-1a', price: 'abc', at: '2026-11-20T10:00:00.000Z' },
    { type: 'g5.xlarge', az: 'us-east-1b', price: '0.000000', at: '2026-11-20T10:00:00.000Z' },
    { type: 'g5.xlarge', az: 'us-east-1c', price: '', at: '2026-11-20T10:00:00.000Z' },
    { type: 'g5.xlarge', az: 'us-east-1d', price: '-0.4', at: '2026-11-20T10:00:00.000Z' },
    { type: 'p5.48xlarge', az: 'us-east-1a', price: '9000.000000', at: '2026-11-20T10:00:00.000Z' },
    { type: 'x9gpu.48xlarge', az: 'us-east-1a', price: '4.000000', at: '2026-11-20T10:00:00.000Z' },
    { type: 'g6.xlarge', az: 'us-east-1a', price: '0.330000', at: '2026-11-20T10:00:00.000Z', product: 'Windows' },
    { type: 'g6.xlarge', az: 'us-east-1b', price: '0.330000', at: '2026-11-20T10:00:00.000Z' },
  ];
  const { quotes, rejected } = await quotesFor(() => ({ body: spotXml(rows) }));
  assert.deepEqual(
    quotes.map((q) => q.offerId),
    ['g6.xlarge@us-east-1b'],
  );
  assert.equal(quotes[0]?.effectiveMicroUsdPerGpuHour, 330_000); // 0.33 / 1
  const reason = (id: string) => rejected.find((r) => r.offerId === id)?.reason ?? '';
  assert.match(reason('g5.xlarge@us-east-1a'), /SpotPrice is not a number/);
  assert.match(reason('g5.xlarge@us-east-1b'), /not positive/);
  assert.match(reason('g5.xlarge@us-east-1c'), /SpotPrice/);
  assert.match(reason('g5.xlarge@us-east-1d'), /not positive/);
  assert.match(reason('p5.48xlarge@us-east-1a'), /absurd/); // 9000 / 8 = $1125/GPU-h > $1000
  assert.match(reason('x9gpu.48xlarge@us-east-1a'), /unknown instance type/);
  assert.equal(rejected.length, 6);
});

test('a row missing its price, AZ or timestamp is rejected alone; a garbled timestamp fails the page', async () => {
  const body = spotXml([
    { type: 'g5.xlarge', az: 'us-east-1b', price: '0.410000', at: '2026-11-20T10:00:00.000Z' },
  ]).replace(
    '<spotPriceHistorySet>',
    '<spotPriceHistorySet><item><instanceType>g5.xlarge</instanceType><productDescription>Linux/UNIX</productDescription><timestamp>2026-11-20T10:00:00.000Z</timestamp><availabilityZone>us-east-1a</availabilityZone></item>' +
      '<item><instanceType>g6.xlarge</instanceType><spotPrice>0.3</spotPrice><timestamp>2026-11-20T10:00:00.000Z</timestamp></item>' +
      '<item><instanceType>g6.xlarge</instanceType><spotPrice>0.3</spotPrice><availabilityZone>us-east-1c</availabilityZone></item>',
  );
  const { quotes, rejected } = await quotesFor(() => ({ body }));
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour]),
    [['g5.xlarge@us-east-1b', 410_000]],
  ); // 0.41 / 1
  assert.match(rejected.find((r) => r.offerId === 'g5.xlarge@us-east-1a')?.reason ?? '', /SpotPrice is missing/);
  assert.equal(rejected.filter((r) => /without instance type, AZ or timestamp/.test(r.reason)).length, 2);
  const garbled = spotXml([{ type: 'g5.xlarge', az: 'us-east-1a', price: '0.4', at: 'yesterday' }]);
  await assert.rejects(
    quotesFor(() => ({ body: garbled })),
    (e: Error) => e instanceof SourceError && /malformed XML.*timestamp/i.test(e.message),
  );
});

test('NextToken pages are followed until the token is empty', async () => {
  const page1: Row[] = [{ type: 'g5.xlarge', az: 'us-east-1a', price: '0.400000', at: '2026-11-20T10:00:00.000Z' }];
  const page2: Row[] = [{ type: 'g5.xlarge', az: 'us-east-1a', price: '0.500000', at: '2026-11-20T11:00:00.000Z' }];
  const { quotes, requests } = await quotesFor((request) =>
    request.body.includes('NextToken=page-2') ? { body: spotXml(page2) } : { body: spotXml(page1, 'page-2') },
  );
  assert.equal(requests.length, 2);
  assert.equal(quotes.length, 1);
  assert.equal(quotes[0]?.effectiveMicroUsdPerGpuHour, 500_000); // the later row (page 2): 0.50 / 1
});

test('a NextToken that repeats is a pagination loop, not an endless scan', async () => {
  await assert.rejects(
    quotesFor(() => ({ body: spotXml([], 'same-token') })),
    (error: Error) => error instanceof SourceError && /pagination loop/.test(error.message),
  );
});

test('HTTP 500, malformed XML, JSON instead of XML and silence fail the source with a reason', async () => {
  const ec2Error =
    '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InternalError</Code><Message>An internal error has occurred</Message></Error></Errors><RequestID>x</RequestID></Response>';
  await assert.rejects(
    quotesFor(() => ({ status: 500, body: ec2Error })),
    (e: Error) => e instanceof SourceError && /HTTP 500.*InternalError/.test(e.message),
  );
  await assert.rejects(
    quotesFor(() => ({ body: '<DescribeSpotPriceHistoryResponse><spotPriceHistorySet><item>' })),
    (e: Error) => e instanceof SourceError && /malformed XML/.test(e.message),
  );
  await assert.rejects(
    quotesFor(() => ({ body: '{"SpotPriceHistory":[]}' })),
    (e: Error) => e instanceof SourceError && /malformed XML/.test(e.message),
  );
  const started = Date.now();
  await assert.rejects(
    quotesFor(() => undefined, 'us-east-1', { signal: AbortSignal.timeout(200) }),
    (e: Error) => e instanceof SourceError && /in time/.test(e.message),
  );
  assert.ok(Date.now() - started < 2000);
});

test('an auth error (HTTP 401 AuthFailure) names the code', async () => {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>x</RequestID></Response>';
  await assert.rejects(
    quotesFor(() => ({ status: 401, body })),
    /HTTP 401.*AuthFailure/,
  );
});

test('one failing region is a rejection; the others still quote', async () => {
  const { quotes, rejected } = await quotesFor(
    (request) =>
      regionOf(request) === 'us-west-2'
        ? {
            status: 503,
            body: '<Response><Errors><Error><Code>Unavailable</Code><Message>down</Message></Error></Errors></Response>',
          }
        : { body: snapshotXml },
    'us-east-1,us-west-2,eu-central-1',
  );
  assert.ok(quotes.some((q) => q.offerId.endsWith('@us-east-1a')));
  assert.ok(quotes.some((q) => q.offerId.endsWith('@eu-central-1a')));
  assert.equal(
    quotes.some((q) => q.offerId.includes('us-west-2')),
    false,
  );
  assert.deepEqual(
    rejected.map((r) => r.offerId),
    ['us-west-2'],
  );
  assert.match(rejected[0]?.reason ?? '', /HTTP 503/);
});

test('credentials: snapshot mode signs with dummy keys; live mode needs the AWS env', async () => {
  let authorization = '';
  await quotesFor(
    (request) => {
      authorization = String(request.headers.authorization);
      return { body: spotXml([]) };
    },
    'us-east-1',
    { apiKey: 'AKIDREALKEY' },
  );
  assert.match(authorization, /^AWS4-HMAC-SHA256 Credential=NECTOSNAPSHOTKEY\/\d{8}\/us-east-1\/ec2\//); // never the real key
  const server = await serveXml((request) => ({
    body: spotXml([]),
    status: /Credential=AKIDLIVE\//.test(String(request.headers.authorization)) ? 200 : 403,
  }));
  try {
    const live = createAwsSpotSource({ env: { NECTO_AWS_REGIONS: 'us-east-1', AWS_SECRET_ACCESS_KEY: 'secret' } });
    const result = await live.fetchQuotes(testContext(server.url, { mode: 'live', apiKey: 'AKIDLIVE' }));
    assert.deepEqual(result, { quotes: [], rejected: [] });
    const noSecret = createAwsSpotSource({ env: { NECTO_AWS_REGIONS: 'us-east-1' } });
    await assert.rejects(
      noSecret.fetchQuotes(testContext(server.url, { mode: 'live', apiKey: 'AKIDLIVE' })),
      /AWS_SECRET_ACCESS_KEY is not set/,
    );
  } finally {
    await server.close();
  }
  assert.deepEqual(awsSpot.keyEnv, ['AWS_ACCESS_KEY_ID']);
  assert.equal(awsSpot.urlEnv, 'NECTO_AWS_URL');
});

test('NECTO_AWS_REGIONS: a comma list, the defaults when unset, one clear line when bad', () => {
  assert.deepEqual(awsRegions({}), ['us-east-1', 'us-west-2', 'eu-central-1']);
  assert.deepEqual(awsRegions({ NECTO_AWS_REGIONS: ' eu-west-1, ap-northeast-1 ,eu-west-1' }), [
    'eu-west-1',
    'ap-northeast-1',
  ]);
  assert.throws(
    () => awsRegions({ NECTO_AWS_REGIONS: 'us-east-1,frankfurt' }),
    /NECTO_AWS_REGIONS: "frankfurt" is not an AWS region/,
  );
});

test('the instance table: every GPU type maps to a canonical id gpu-models.ts knows', () => {
  for (const type of GPU_INSTANCE_TYPES) {
    const gpu = gpuOfInstanceType(type);
    assert.ok(gpu, type);
    assert.ok(GPU_MODEL_IDS.includes(gpu.gpuModel), `${type}: ${gpu.gpuModel}`);
    assert.equal(resolveGpuModel(gpu.gpuModel), gpu.gpuModel);
    assert.ok(gpu.gpus > 0);
  }
  assert.deepEqual(gpuOfInstanceType('p5.48xlarge'), { gpuModel: 'H100-80G', gpus: 8 });
  assert.deepEqual(gpuOfInstanceType('P4DE.24XLARGE'), { gpuModel: 'A100-80G', gpus: 8 });
  assert.deepEqual(gpuOfInstanceType('p5en.48xlarge'), { gpuModel: 'H200-141G', gpus: 8 });
  assert.deepEqual(gpuOfInstanceType('p6-b200.48xlarge'), { gpuModel: 'B200-180G', gpus: 8 });
  assert.equal(gpuOfInstanceType('g4dn.12xlarge')?.gpus, 4);
  assert.equal(gpuOfInstanceType('g4dn.metal')?.gpus, 8);
  assert.equal(gpuOfInstanceType('g6e.24xlarge')?.gpus, 4);
  assert.equal(gpuOfInstanceType('gr6.8xlarge')?.gpus, 1);
  assert.equal(gpuOfInstanceType('g6f.xlarge')?.gpus, 0.125);
  assert.equal(gpuOfInstanceType('g6f.4xlarge')?.gpus, 0.5);
  assert.equal(gpuOfInstanceType('m6i.xlarge'), undefined);
  assert.equal(gpuOfInstanceType(''), undefined);
});
