// Decision records on the 0G Storage network, through the SDK's Indexer. Uploads are retried with
// exponential backoff and must come back under the root we computed; every download is re-hashed
// here, because the SDK's download ignores its proof flag and accepts whatever the nodes send.
// The SDK and ethers are imported on first use, so the default (local) store never loads them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Indexer, MemData, UploadOption } from '@0glabs/0g-ts-sdk';
import type { DecisionRoot } from './root.ts';
import { withSdkLogsTo } from './sdk-log-capture.ts';
import type { LogSink } from './sdk-log-capture.ts';
import { checkedRecord, DecisionStoreError, parseDecisionRoot, rootForStoring } from './store-contract.ts';
import type { DecisionStore } from './store-contract.ts';

// The SDK's types point at ethers' CommonJS declarations while this package imports ethers as ESM
// (the same module at run time): take the signer type from the SDK's own signature.
type SdkSigner = Parameters<Indexer['upload']>[2];

/** The part of the SDK's `Indexer` this store uses; tests inject a fake. */
export interface ZeroGIndexer {
  /** Submits the file to the flow contract (unless known and `skipTx`), uploads its segments, waits for finality. */
  upload(
    file: MemData,
    evmRpc: string,
    signer: SdkSigner,
    uploadOpts: UploadOption,
  ): Promise<[{ txHash: string; rootHash: string }, Error | null]>;
  /** Writes the file to `filePath`, which must not exist (its directory must). `proof` is ignored by SDK 0.3.3. */
  download(rootHash: string, filePath: string, proof: boolean): Promise<Error | null>;
}

export type ZeroGDecisionStoreOptions = {
  indexerRpc: string;
  evmRpc: string;
  /** Pays the storage fee and gas of each upload. */
  privateKey: string;
  /** Retries after a failed attempt (upload or download), so `retries + 1` attempts in all. */
  retries?: number;
  /** Wait before the first retry, doubled before each next one. */
  backoffMs?: number;
  /** Time limit of one upload, finality included (default 10 minutes); a timed-out upload is not retried. */
  uploadTimeoutMs?: number;
  indexer?: ZeroGIndexer;
  /** Where downloads land before they are read and deleted (default: the OS temp directory). */
  tempDir?: string;
  /** Receives the SDK's console output (default: dropped). */
  onSdkLog?: LogSink;
  sleep?: (ms: number) => Promise<void>;
};

// The SDK's download errors that mean "this network has no such file", not "try again".
const NOT_FOUND_ERRORS = [/failed to get file locations/i, /file not found on node/i];

/**
 * The options Indexer.upload uses when given none (SDK 0.3.3), except `skipTx`: with it, a file the
 * storage nodes already know by its root gets no second flow transaction (no second fee) — on a
 * retry after a half-done attempt, or when the same record is put again — only its missing
 * segments are uploaded. A new file is still submitted.
 */
const UPLOAD_OPTIONS: UploadOption = {
  tags: '0x',
  finalityRequired: true,
  taskSize: 10,
  expectedReplica: 1,
  skipTx: true,
  fee: 0n,
};

type Attempt<T> = { ok: true; value: T } | { ok: false; error: Error };

export class ZeroGDecisionStore implements DecisionStore {
  readonly kind = '0g';
  readonly indexerRpc: string;
  readonly evmRpc: string;
  readonly #privateKey: string;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #uploadTimeoutMs: number;
  readonly #tempDir: string;
  readonly #onSdkLog: LogSink;
  readonly #sleep: (ms: number) => Promise<void>;
  #indexer: ZeroGIndexer | undefined;

  constructor(options: ZeroGDecisionStoreOptions) {
    const { retries = 3, backoffMs = 500, uploadTimeoutMs = 10 * 60_000 } = options;
    if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a whole number >= 0 (got ${retries})`);
    if (!Number.isFinite(backoffMs) || backoffMs < 0) throw new RangeError(`backoffMs must be >= 0 (got ${backoffMs})`);
    if (!/^0x[0-9a-fA-F]{64}$/.test(options.privateKey)) throw new RangeError('privateKey must be 0x and 64 hex digits');
    if (!(uploadTimeoutMs > 0)) throw new RangeError(`uploadTimeoutMs must be > 0 (got ${uploadTimeoutMs})`);
    this.indexerRpc = options.indexerRpc;
    this.evmRpc = options.evmRpc;
    this.#privateKey = options.privateKey;
    this.#retries = retries;
    this.#backoffMs = backoffMs;
    this.#uploadTimeoutMs = uploadTimeoutMs;
    this.#indexer = options.indexer;
    this.#tempDir = options.tempDir ?? tmpdir();
    this.#onSdkLog = options.onSdkLog ?? (() => {});
    this.#sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
  }

  describe(): string {
    return `0G Storage via indexer ${this.indexerRpc}`;
  }

  async put(bytes: Uint8Array): Promise<DecisionRoot> {
    const root = await rootForStoring(bytes);
    const [{ MemData }, { ethers }, indexer] = await Promise.all([import('@0glabs/0g-ts-sdk'), import('ethers'), this.#indexerClient()]);
    // A provider per put, destroyed after: ethers retries network detection forever (and keeps
    // the process alive) when the RPC is down, until its provider is destroyed.
    const provider = new ethers.JsonRpcProvider(this.evmRpc);
    const signer = new ethers.Wallet(this.#privateKey, provider) as unknown as SdkSigner;
    let uploaded: { txHash: string; rootHash: string };
    try {
      uploaded = await this.#withRetries(`store record ${root} on ${this.describe()}`, async () => {
        const upload = withSdkLogsTo(this.#onSdkLog, () => indexer.upload(new MemData(bytes), this.evmRpc, signer, UPLOAD_OPTIONS));
        const [result, error] = await this.#withinUploadTimeout(upload, root);
        if (error) throw error;
        return result;
      });
    } finally {
      provider.destroy();
    }
    if (uploaded.rootHash.toLowerCase() !== root) {
      throw new DecisionStoreError(
        'integrity',
        `${this.describe()} stored record ${root} under root ${uploaded.rootHash || '(none)'} (tx ${uploaded.txHash || 'none'})`,
      );
    }
    return root;
  }

  /**
   * The SDK waits for finality with no time limit. A timed-out upload may still land later, so it
   * is not retried (a retry would pay a second storage fee); the record is simply not referenced.
   */
  async #withinUploadTimeout<T>(upload: Promise<T>, root: DecisionRoot): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = Math.round(this.#uploadTimeoutMs / 1000);
        reject(new DecisionStoreError('storage', `cannot store record ${root} on ${this.describe()}: no confirmation within ${seconds} s`));
      }, this.#uploadTimeoutMs);
    });
    upload.catch(() => {}); // an upload abandoned at the time limit must not surface later as unhandled
    try {
      return await Promise.race([upload, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async get(root: string): Promise<Uint8Array> {
    const wanted = parseDecisionRoot(root);
    const indexer = await this.#indexerClient();
    const bytes = await this.#withRetries(`read record ${wanted} from ${this.describe()}`, () =>
      this.#downloadOnce(indexer, wanted),
    );
    return checkedRecord(bytes, wanted, this.describe());
  }

  /** One download into a fresh temp directory (the SDK refuses an existing path), read, then removed. */
  async #downloadOnce(indexer: ZeroGIndexer, root: DecisionRoot): Promise<Uint8Array> {
    const dir = await mkdtemp(join(this.#tempDir, 'necto-decision-'));
    try {
      const path = join(dir, `${root}.json`);
      const error = await withSdkLogsTo(this.#onSdkLog, () => indexer.download(root, path, false));
      if (error) {
        if (NOT_FOUND_ERRORS.some((pattern) => pattern.test(error.message))) {
          throw new DecisionStoreError('not-found', `record ${root} not found on ${this.describe()}: ${error.message}`);
        }
        throw error;
      }
      return await readFile(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs `attempt` until it succeeds or `retries` retries failed; a DecisionStoreError is final at once. */
  async #withRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let attempts = 1; ; attempts++) {
      const outcome: Attempt<T> = await attempt().then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error: error instanceof Error ? error : new Error(String(error)) }),
      );
      if (outcome.ok) return outcome.value;
      if (outcome.error instanceof DecisionStoreError) throw outcome.error;
      if (attempts > this.#retries) {
        const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
        throw new DecisionStoreError('storage', `cannot ${what} after ${tries}: ${outcome.error.message}`, {
          cause: outcome.error,
        });
      }
      await this.#sleep(this.#backoffMs * 2 ** (attempts - 1));
    }
  }

  async #indexerClient(): Promise<ZeroGIndexer> {
    this.#indexer ??= new (await import('@0glabs/0g-ts-sdk')).Indexer(this.indexerRpc);
    return this.#indexer;
  }
}
