// The Akash gateway's runs on disk: which deployment carries which job, the bid it accepted and
// when its workload was last seen running, so that a restarted keeper carries each run on instead
// of deploying it twice or leaving a started job unreported. A run is keyed by its job and the
// decision it carries out, so a run of another chain's job with the same id is never picked up.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../scan.ts';
import type { SavedRun } from './akash-fulfilment.ts';

export class RunBook {
  readonly #path: string | undefined;
  readonly #runs: Map<string, SavedRun>;

  /** Without a path the book lives in memory only. */
  constructor(path?: string) {
    this.#path = path;
    this.#runs = new Map(path ? Object.entries(read(path)) : []);
  }

  static key(jobId: bigint, decisionRoot: string): string {
    return `${jobId}:${decisionRoot.toLowerCase()}`;
  }

  get(key: string): SavedRun | undefined {
    return this.#runs.get(key);
  }

  set(key: string, run: SavedRun): void {
    this.#runs.set(key, run);
    this.#save();
  }

  delete(key: string): void {
    if (this.#runs.delete(key)) this.#save();
  }

  #save(): void {
    if (!this.#path) return;
    mkdirSync(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(this.#runs), null, 2)}\n`);
    renameSync(temporary, this.#path);
  }
}

function read(path: string): Record<string, SavedRun> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {}; // no runs yet
  }
  try {
    return JSON.parse(text) as Record<string, SavedRun>;
  } catch {
    throw new ConfigError(`${path} is not the Akash gateway's run book (not JSON): fix or move it, it names the deployments of running jobs`);
  }
}
