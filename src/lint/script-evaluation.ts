/**
 * Evaluates JS/TS migrations for lint in a worker thread of their own (script-worker.ts), one per
 * run, and hands back each one's SQL and the files it read (script-inputs.ts). The runner loads
 * scripts in its own thread, once per run (runner/steps.ts); lint may run many times in one process
 * (a watcher, an editor's server, a test suite), and each time it must see the scripts and their
 * modules as they are then: Node keeps every ES module it has loaded for the life of the thread,
 * and jiti imports plain `.js`, `.mjs` and `.cjs` files through Node's own loaders.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FilePosition, PgmDbRefusal } from '../runner/steps.js';
import type { InputState } from './script-inputs.js';

/** What the worker is given: the scripts (absolute path, and the text to lint), in history order. */
export interface ScriptsToEvaluate {
  scripts: Array<{ path: string; text: string }>;
}

/**
 * One direction of a script: its SQL steps, each with the call in the file that produced it (absent
 * when no stack frame was in the file: runner/steps.ts), or why there is none (`error`, with where
 * a pgm.db refusal was made; `none`: `down` is `false`, no down at all).
 */
export type SectionOutcome = { steps: Array<{ sql: string; call?: FilePosition }>; transactional: boolean } | { error: string; pgmDb?: PgmDbRefusal['pgmDb'] } | { none: true };

/** A script evaluated: why it did not load, or its sections; and the files it read (absolute path, state). */
export interface ScriptOutcome {
  load?: string;
  up?: SectionOutcome;
  down?: SectionOutcome;
  reads: Array<[string, InputState]>;
  /** The worker stopped before this script was done: what it read is not all known. */
  incomplete?: boolean;
}

type WorkerMessage = { index: number; outcome: ScriptOutcome } | { failed: string };

/** The worker's script: compiled beside this module, or its TypeScript source (pgwarden's own tests run the sources). */
function workerScript(): { url: URL } | { source: string } {
  const built = new URL('./script-worker.js', import.meta.url);
  if (built.protocol === 'file:' && existsSync(fileURLToPath(built))) return { url: built };
  const source = new URL('./script-worker.ts', import.meta.url);
  if (source.protocol === 'file:' && existsSync(fileURLToPath(source))) return { source: fileURLToPath(source) };
  throw new Error(`lint's script worker is missing beside ${fileURLToPath(import.meta.url)}: reinstall pgwarden (or run npm run build).`);
}

/**
 * The Node options the worker inherits: the process's, less those that say how to read the
 * process's own entry (`-e`, `-p`, `--input-type`), which a worker with a file refuses.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (['-e', '--eval', '-p', '--print', '--input-type'].includes(arg)) i++;
    else if (!/^--(eval|print|input-type)=/.test(arg)) out.push(arg);
  }
  return out;
}

/**
 * Starts evaluating `scripts` (in this order, each after the one before) and returns, for each, a
 * promise of its outcome. A worker that stops before the end (a script that calls process.exit,
 * an error thrown from a timer) leaves the script it was on, and those after it, unloaded, with the
 * reason, and `incomplete`.
 */
export async function evaluateScripts(scripts: ScriptsToEvaluate['scripts']): Promise<Array<Promise<ScriptOutcome>>> {
  const settle: Array<(outcome: ScriptOutcome) => void> = [];
  const outcomes = scripts.map(() => new Promise<ScriptOutcome>((resolve) => settle.push(resolve)));
  if (scripts.length === 0) return outcomes;
  const { Worker } = await import('node:worker_threads');
  const script = workerScript();
  const options = { workerData: { scripts } satisfies ScriptsToEvaluate, execArgv: workerExecArgv() };
  let worker;
  if ('url' in script) worker = new Worker(script.url, options);
  else {
    // The TypeScript source, loaded with jiti (node-pg-migrate's loader), from an ES module as the
    // built worker is one: Node's loaders treat the scripts' modules by what imports them.
    const jiti = pathToFileURL(createRequire(createRequire(import.meta.url).resolve('node-pg-migrate')).resolve('jiti')).href;
    const bootstrap = `import createJiti from ${JSON.stringify(jiti)};\nawait createJiti(${JSON.stringify(script.source)}).import(${JSON.stringify(script.source)});\n`;
    worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
  }
  let done = 0;
  let stopped: string | undefined;
  const finish = (reason: string) => {
    stopped ??= reason;
    for (let i = done; i < scripts.length; i++) {
      settle[i]!({ load: i === done ? `lint's evaluation of JS/TS migrations stopped during this one (${stopped})` : `not evaluated: lint's evaluation of JS/TS migrations stopped during an earlier one (${stopped})`, reads: [], incomplete: true });
    }
    done = scripts.length;
  };
  worker.on('message', (message: WorkerMessage) => {
    if ('failed' in message) return finish(message.failed);
    settle[message.index]!(message.outcome);
    done = message.index + 1;
    // A script may leave a timer or a socket behind: the worker is not waited for.
    if (done === scripts.length) void worker.terminate();
  });
  worker.on('error', (error: Error) => finish(error.message));
  worker.on('exit', (code) => finish(`the worker exited with code ${code}`));
  return outcomes;
}
