// The 0G SDK prints its progress (selected nodes, tasks, fees) with console.log. While one of our
// SDK calls runs, console.log is wrapped; a line logged from inside that call's async context goes
// to the call's sink, any other line (the keeper's own output, other requests) passes through.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

export type LogSink = (line: string) => void;

const currentSink = new AsyncLocalStorage<LogSink>();
/** Our wrappers, each with the console.log it passes other lines to. */
const passThroughOf = new WeakMap<typeof console.log, typeof console.log>();
let callsInFlight = 0;

/** Runs `call` with the SDK's console.log lines sent to `sink` (dropped by default). */
export async function withSdkLogsTo<T>(sink: LogSink, call: () => Promise<T>): Promise<T> {
  callsInFlight++;
  // Wrap whatever console.log is now, even if someone replaced our wrapper during another call.
  if (!passThroughOf.has(console.log)) wrapConsoleLog();
  try {
    return await currentSink.run(sink, call);
  } finally {
    const passThrough = passThroughOf.get(console.log);
    if (--callsInFlight === 0 && passThrough) console.log = passThrough;
  }
}

function wrapConsoleLog(): void {
  const passThrough = console.log;
  const wrapper = (...args: unknown[]) => {
    const sink = currentSink.getStore();
    if (sink) sink(format(...args));
    else passThrough.apply(console, args);
  };
  passThroughOf.set(wrapper, passThrough);
  console.log = wrapper;
}
