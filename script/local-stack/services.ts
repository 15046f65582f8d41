// A long-running process the stack starts and must stop on exit (anvil, the indexer, the keeper,
// the app server).
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

export type Service = {
  name: string;
  /** Settles when the process exits, whoever stopped it. */
  exited: Promise<void>;
  stop(): Promise<void>;
  /** The last lines the process printed, for error reports. */
  recentOutput(): string;
  /** Resolves with the first line (seen so far or to come) matching `pattern`; never rejects. */
  lineMatching(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Calls `listener` with every line printed from now on. */
  follow(listener: (line: string) => void): void;
};

const KEPT_LINES = 60;
const STOP_GRACE_MS = 5000;
// Loggers color their output for terminals; matching works on the plain text.
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

/** Wraps a spawned child: keeps the tail of its output and stops it with SIGTERM, then SIGKILL. */
export function superviseProcess(name: string, child: ChildProcess): Service {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  const followers: ((line: string) => void)[] = [];
  const onLine = (line: string) => {
    for (const follower of followers) follower(line);
    lines.push(line);
    lines.splice(0, Math.max(0, lines.length - KEPT_LINES));
    for (const waiter of waiters.slice()) {
      const match = line.match(waiter.pattern);
      if (!match) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(match);
    }
  };
  readLines(child.stdout, onLine);
  readLines(child.stderr, onLine);
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
    lineMatching(pattern) {
      const seen = lines.map((line) => line.match(pattern)).find((match) => match !== null);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    follow(listener) {
      followers.push(listener);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Calls `onLine` with each complete, non-empty line, even when a chunk ends inside one. */
function readLines(stream: Readable | null, onLine: (line: string) => void): void {
  let partial = '';
  stream?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      const line = part.replace(ANSI_ESCAPE, '').trimEnd();
      if (line) onLine(line);
    }
  });
  stream?.on('end', () => {
    if (partial.trim()) onLine(partial.replace(ANSI_ESCAPE, '').trimEnd());
    partial = '';
  });
}
