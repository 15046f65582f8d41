// Runs one command of a step to completion, keeping its output for the error report.
import { spawn } from 'node:child_process';
import { repoRoot } from './config.ts';
import { StepError } from './steps.ts';

export type CommandOptions = { env?: NodeJS.ProcessEnv; signal?: AbortSignal };

/** Resolves with the combined stdout and stderr; rejects with a StepError carrying them otherwise. */
export function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<string> {
  const shown = `${command} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: options.env ?? process.env,
      signal: options.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // Ctrl-C reaches the stack only, which aborts the command through `signal`
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => reject(new StepError(`${shown} could not run: ${error.message}`, output)));
    child.on('close', (code, signal) => {
      process.off('exit', killOnExit);
      if (code === 0) resolve(output);
      else reject(new StepError(`${shown} exited with ${signal ?? `code ${code}`}`, output));
    });
  });
}
