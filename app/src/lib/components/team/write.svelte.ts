// One write's state for a team form: its progress steps, its decoded refusal, whether it runs.
import type { TxStep } from '#lib/market.ts';

export class Write {
  step = $state<TxStep | undefined>();
  error = $state<string | undefined>();
  busy = $state(false);

  /** Forgets the last write's outcome: a new attempt stopped by a field error sent nothing. */
  reset(): void {
    this.step = undefined;
    this.error = undefined;
  }

  /** Runs `action`; true when it confirmed, false when it was refused (the error is kept). */
  async run(action: (onStep: (step: TxStep) => void) => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.error = undefined;
    this.step = undefined;
    try {
      await action((step) => (this.step = step));
      return true;
    } catch (error) {
      this.error = (error as Error).message;
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** The ids of a field's hint and error, for aria-describedby. */
export function describedBy(id: string, error: string | undefined, hint = false): string | undefined {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}
