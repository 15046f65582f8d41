// A long-running process the stack starts and must stop on exit (anvil today; the indexer, the
// keeper and the app later).
import type { ChildProcess } from 'node:child_process';

export type Service = {
  name: string;
  /** Settles when the process exits, whoever stopped it. */
  exited: Promise<void>;
  stop(): Promise<void>;
  /** The last lines the process printed, for error reports. */
  recentOutput(): string;
};

const KEPT_LINES = 60;
const STOP_GRACE_MS = 5000;

/** Wraps a spawned child: keeps the tail of its output and stops it with SIGTERM, then SIGKILL. */
export function superviseProcess(name: string, child: ChildProcess): Service {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - KEPT_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Last resort if the stack itself dies: never leave the process behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  }).then(() => {
    process.off('exit', killOnExit);
  });

  return {
    name,
    exited,
    recentOutput: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
