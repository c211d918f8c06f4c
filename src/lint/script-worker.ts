/**
 * Lint's script worker (started by script-evaluation.ts, one per lint run that evaluates JS/TS
 * migrations): builds each script's SQL as the runner does (runner/steps.ts: node-pg-migrate's
 * loader, jiti, and its MigrationBuilder), in history order, and records every file each one reads
 * (script-inputs.ts). A thread of its own gives each run Node's module caches fresh, the ES module
 * cache included, which nothing can empty: a second lint in the same process loads the scripts and
 * their modules again, as they are now. And the fs functions it wraps to record reads are this
 * thread's alone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { parseMigration } from '../migrations/parse.js';
import { loadScriptActions, nodePgMigrate, scriptSteps, type PgmDbRefusal, type ScriptActions } from '../runner/steps.js';
import { ReadRecorder } from './script-inputs.js';
import type { ScriptOutcome, ScriptsToEvaluate, SectionOutcome } from './script-evaluation.js';

const SCRIPT = /\.[cm]?[jt]sx?$/;
/** Node's CommonJS module cache, which jiti shares: every CommonJS module loaded is in it, however it was read. */
const moduleCache = createRequire(import.meta.url).cache;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function evaluate(path: string, text: string, recorder: ReadRecorder, tsconfig: boolean | string): Promise<ScriptOutcome> {
  const file = parseMigration(path, text);
  // The text given is what is linted: when the file differs (lint --staged), it is evaluated in its place.
  let onDisk: string | undefined;
  try {
    onDisk = readFileSync(path, 'utf8');
  } catch {
    onDisk = undefined;
  }
  const loadedBefore = new Set(Object.keys(moduleCache));
  recorder.start();
  const outcome: ScriptOutcome = { reads: [] };
  try {
    let actions: ScriptActions | undefined;
    try {
      actions = await loadScriptActions(file, onDisk === text ? {} : { text });
    } catch (error) {
      outcome.load = messageOf(error);
    }
    if (actions) {
      for (const name of ['up', 'down'] as const) {
        let section: SectionOutcome;
        if (name === 'down' && actions.down === false) section = { none: true };
        else {
          try {
            const steps = await scriptSteps(file, name, actions);
            section = { steps: steps.steps.map((s) => (s.call ? { sql: s.sql, call: s.call } : { sql: s.sql })), transactional: steps.transactional };
          } catch (error) {
            const refusal = (error as { details?: Partial<PgmDbRefusal> }).details?.pgmDb;
            section = { error: messageOf(error), ...(refusal ? { pgmDb: refusal } : {}) };
          }
        }
        outcome[name] = section;
      }
    }
  } finally {
    recorder.stop();
  }
  for (const loaded of Object.keys(moduleCache)) if (!loadedBefore.has(loaded) && isAbsolute(loaded)) recorder.loaded(loaded);
  const reads = recorder.take();
  // How the script and the modules it loaded were loaded: the package.json (type, imports) and
  // tsconfig.json (path aliases, when jiti follows them) over each.
  recorder.governing(path, tsconfig);
  for (const [read, state] of reads) if (state.startsWith('sha256:') && SCRIPT.test(read)) recorder.governing(read, tsconfig);
  for (const [read, state] of recorder.take()) if (!reads.has(read)) reads.set(read, state);
  outcome.reads = [...reads];
  return outcome;
}

async function main(): Promise<void> {
  const { scripts } = workerData as ScriptsToEvaluate;
  // Loaded before anything is recorded: node-pg-migrate, and jiti's cache folders, are not the scripts' inputs.
  const { jiti } = await nodePgMigrate();
  const options = jiti.options as { fsCache?: unknown; tsconfigPaths?: unknown };
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const ignored = [join(tmpdir(), 'jiti-esm'), ...(typeof options.fsCache === 'string' ? [options.fsCache] : [])];
  const tsconfig = typeof options.tsconfigPaths === 'string' ? options.tsconfigPaths : options.tsconfigPaths === true;
  const recorder = new ReadRecorder(ignored);
  for (const [index, { path, text }] of scripts.entries()) {
    parentPort!.postMessage({ index, outcome: await evaluate(path, text, recorder, tsconfig) });
  }
}

void main().then(
  () => parentPort!.close(),
  (error: unknown) => {
    // Nothing could be evaluated (node-pg-migrate did not load): the main thread says so for each script.
    parentPort!.postMessage({ failed: messageOf(error) });
    parentPort!.close();
  },
);
