// The default decision store: content-addressed files `<dir>/<root>.json`. Each record is written
// to a temp file, flushed to disk and renamed into place, so a reader sees the whole record or
// none, and concurrent writers of the same bytes (same root, same content) cannot corrupt it.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DecisionRoot } from './root.ts';
import { checkedRecord, DecisionStoreError, parseDecisionRoot, rootForStoring } from './store-contract.ts';
import type { DecisionStore } from './store-contract.ts';

export class LocalDecisionStore implements DecisionStore {
  readonly kind = 'local';
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  describe(): string {
    return `local store ${this.dir}`;
  }

  /** Where the record with this root lives (whether or not it exists). */
  pathOf(root: DecisionRoot): string {
    return join(this.dir, `${root}.json`);
  }

  async put(bytes: Uint8Array): Promise<DecisionRoot> {
    const root = await rootForStoring(bytes);
    const path = this.pathOf(root);
    // Same bytes, same file: no rewrite. A file that differs (damaged on disk) is replaced.
    if (await holdsExactly(path, bytes)) return root;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeDurably(path, bytes);
    } catch (error) {
      throw new DecisionStoreError('storage', `cannot store record ${root} in ${this.dir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return root;
  }

  async get(root: string): Promise<Uint8Array> {
    const wanted = parseDecisionRoot(root);
    const path = this.pathOf(wanted);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DecisionStoreError('not-found', `record ${wanted} not found in ${this.describe()}`);
      }
      throw new DecisionStoreError('storage', `cannot read record ${wanted} from ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return checkedRecord(bytes, wanted, path);
  }
}

async function holdsExactly(path: string, bytes: Uint8Array): Promise<boolean> {
  try {
    return Buffer.from(bytes).equals(await readFile(path));
  } catch {
    return false;
  }
}

/** temp file in the same directory → write → fsync → rename over the target → fsync the directory. */
async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename itself durable. Some platforms cannot fsync a directory; the rename stands. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the file's own contents were already synced
  } finally {
    await handle?.close();
  }
}
