import { ExitCode } from '../exit-codes.js';
import { commandFor, hintOptions } from '../providers/origin.js';
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

/** What the user is told when a signal stops a command: `first`, `again` (exiting at once), `late` (the grace period ran out). */
export interface InterruptMessages {
  first: (signal: Handled) => string;
  again: (signal: Handled) => string;
  late: string;
}

const again = (signal: Handled) => `${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again`;

/**
 * `pgwarden status` for the database the command works on, from its options (`--env prod`, or
 * `--url <the same URL>`: the secret is never printed). Without them, status finds the same
 * database as the command did (the default environment or $DATABASE_URL).
 */
export function statusCommand(target: { env?: string | undefined; url?: string | undefined } = {}): string {
  return commandFor({ origin: { options: hintOptions(target) } }, 'status');
}

/** For `up` and `down`: the migration run is cancelled on the server and reports what it applied. */
export function migrationInterrupt(status = 'pgwarden status'): InterruptMessages {
  return statementInterrupt('the running migration', status);
}

/** {@link migrationInterrupt} with a bare `pgwarden status`. */
export const MIGRATION_INTERRUPT: InterruptMessages = migrationInterrupt();

/** For commands that run statements on a database (`roles apply`, `drift`, `docs`, `deploy`): `what` names what is cancelled; `status` is {@link statusCommand}. */
export function statementInterrupt(what: string, status = 'pgwarden status'): InterruptMessages {
  return {
    first: (signal) => `\n${signal}: cancelling ${what} on the server (${again(signal)} to exit at once)...\n`,
    again: (signal) => `\n${signal} again: exiting at once. If the server had not cancelled ${what} yet, it finishes it; ${status} shows where the database stands.\n`,
    late: `The command did not end ${GRACE_MS / 1000}s after it was cancelled: exiting. ${status} shows where the database stands.\n`,
  };
}

/** For a command that works in throwaway databases (`verify`, `check`): it stops and removes them, and the roles it created. */
function throwawayInterrupt(command: string, removing: string): InterruptMessages {
  const left = 'Throwaway databases (pgwarden_tmp_*) and roles verify created may be left on the server; drop them by hand.';
  return {
    first: (signal) => `\n${signal}: stopping ${command} and removing ${removing} (${again(signal)} to exit at once and leave them)...\n`,
    again: (signal) => `\n${signal} again: exiting at once. ${left}\n`,
    late: `${command[0]!.toUpperCase()}${command.slice(1)} did not end ${GRACE_MS / 1000}s after it was stopped: exiting. ${left}\n`,
  };
}

/** For `verify`: it stops and removes the throwaway databases and the roles it created. */
export const VERIFY_INTERRUPT: InterruptMessages = throwawayInterrupt('verify', 'its throwaway databases and the roles it created');

/** For `check`: the running step stops; its throwaway databases and the roles verify created are removed. */
export const CHECK_INTERRUPT: InterruptMessages = throwawayInterrupt('check', 'its throwaway databases and the roles verify created');

/**
 * Runs `fn` (a migration run, a verify run) with SIGINT and SIGTERM turned into an abort of its
 * signal: the first one lets the run stop its work on the server and clean up (a migration run
 * reports what it applied; verify drops its throwaway databases and roles); a second one, or a run
 * that has not ended after a grace period, exits at once. Other handlers of these signals are set
 * aside meanwhile, so nothing else ends the process first.
 */
export async function withInterrupt<T>(output: Output, fn: (signal: AbortSignal) => Promise<T>, messages: InterruptMessages = MIGRATION_INTERRUPT): Promise<T> {
  const controller = new AbortController();
  const setAside = new Map(SIGNALS.map((s) => [s, process.listeners(s)] as const));
  let grace: NodeJS.Timeout | undefined;
  const onSignal = (signal: Handled) => {
    if (received) {
      output.err(messages.again(signal));
      process.exit(EXIT[signal]);
    }
    received = signal;
    output.err(messages.first(signal));
    controller.abort(signal);
    grace = setTimeout(() => {
      output.err(messages.late);
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
