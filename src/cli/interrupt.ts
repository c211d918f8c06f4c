import { ExitCode } from '../exit-codes.js';
import type { Output } from './output.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Handled = (typeof SIGNALS)[number];
const EXIT: Record<Handled, number> = { SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated };

/** How long the first signal waits for the cancelled run to end before the process exits anyway. */
const GRACE_MS = 15_000;

let received: Handled | undefined;

/**
 * The exit code a signal handled during this command asks for (130 for SIGINT, 143 for SIGTERM),
 * once; undefined when none came.
 */
export function takeSignalExitCode(): number | undefined {
  const signal = received;
  received = undefined;
  return signal ? EXIT[signal] : undefined;
}

/**
 * Runs `fn` (a command that runs statements on a database) with SIGINT and SIGTERM turned into an
 * abort of its signal: the first one cancels the running statement on the server and lets the
 * command roll back, clean up and report what it did; a second one, or a command that has not
 * ended after a grace period, exits at once. Other handlers of these signals are set aside
 * meanwhile, so nothing else ends the process first. `what` names what is cancelled in the notice
 * ("the running migration").
 */
export async function withInterrupt<T>(output: Output, fn: (signal: AbortSignal) => Promise<T>, what = 'the running statement'): Promise<T> {
  const controller = new AbortController();
  const setAside = new Map(SIGNALS.map((s) => [s, process.listeners(s)] as const));
  let grace: NodeJS.Timeout | undefined;
  const onSignal = (signal: Handled) => {
    if (received) {
      output.err(`\n${signal} again: exiting at once. If the server had not cancelled ${what} yet, it finishes it; pgwarden status shows where the database stands.\n`);
      process.exit(EXIT[signal]);
    }
    received = signal;
    output.err(`\n${signal}: cancelling ${what} on the server (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to exit at once)...\n`);
    controller.abort(signal);
    grace = setTimeout(() => {
      output.err(`The command did not end ${GRACE_MS / 1000}s after it was cancelled: exiting. pgwarden status shows where the database stands.\n`);
      process.exit(EXIT[signal]);
    }, GRACE_MS);
    grace.unref();
  };
  for (const s of SIGNALS) {
    process.removeAllListeners(s);
    process.on(s, onSignal);
  }
  try {
    return await fn(controller.signal);
  } finally {
    if (grace) clearTimeout(grace);
    for (const s of SIGNALS) {
      process.removeListener(s, onSignal);
      for (const listener of setAside.get(s)!) process.on(s, listener as () => void);
    }
  }
}
