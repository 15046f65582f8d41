// Progress lines for the stack's steps: "Deploying contracts... ok (0.6 s)".

/** A step failed for a reason worth one line; `details` holds the output that explains it. */
export class StepError extends Error {
  readonly details: string;

  constructor(message: string, details = '') {
    super(message);
    this.details = details;
  }
}

export async function runStep<T>(label: string, action: () => Promise<T>): Promise<T> {
  process.stdout.write(`${label}... `);
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  try {
    const result = await action();
    process.stdout.write(`ok (${elapsed()})\n`);
    return result;
  } catch (error) {
    process.stdout.write(`failed (${elapsed()})\n`);
    throw error;
  }
}
