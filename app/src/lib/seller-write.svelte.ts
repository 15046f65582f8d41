// One write's state for the page: busy, its progress steps and its refusal in words.
import type { TxStep } from './market.ts';

export class Write {
  step = $state<TxStep | undefined>();
  error = $state<string | undefined>();
  busy = $state(false);

  async run<T>(action: (onStep: (step: TxStep) => void) => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = undefined;
    this.step = undefined;
    try {
      return await action((step) => (this.step = step));
    } catch (error) {
      this.error = (error as Error).message;
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}

/** Moves focus to the first field with an error: ids are `${prefix}-${field}`. */
export function focusFirstError(prefix: string, errors: Record<string, string | undefined>): void {
  const first = Object.keys(errors).find((field) => errors[field]);
  if (first) document.getElementById(`${prefix}-${first}`)?.focus();
}

/** The aria-describedby of a field: its hint and its error, when shown. */
export function describedBy(id: string, error: string | undefined, hint = false): string | undefined {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}
