/**
 * Parsing in a worker thread (src/lint/parse-worker.ts), so that the Postgres parser (WebAssembly)
 * compiles and parses on another core while the main thread asks git what is staged, reads the
 * history and loads the rules. For the few files a run reports on (staged or named ones); any
 * failure just leaves the parsing to the engine.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { parseMigration } from '../migrations/parse.js';
import { trace } from '../trace.js';
import type { ParsedSection } from './engine.js';
import { baselineWasmOnly } from './parser.js';
import { sectionKey } from './parse-sections.js';
import type { SectionsToParse } from './parse-worker.js';

/** Parsed sections by cache key, as the worker gives them (empty when it could not). */
export type Preparsed = Promise<ReadonlyMap<string, ParsedSection>>;

export interface ParseWorker {
  /** Parses these files (once); the promise never rejects. */
  parse(files: ReadonlyArray<{ path: string; text: string }>): Preparsed;
  /** Stops the worker (nothing to parse after all). */
  cancel(): void;
}

/** Where bin/fast-path.js (run by bin/pgwarden.js or checks/pre-commit) leaves the worker it started before loading the CLI (see {@link EarlyParseWorker}). */
export const EARLY_PARSE_WORKER = Symbol.for('pgwarden.parseWorker');

/**
 * A parse worker started by bin/fast-path.js as its first step for `lint --staged` (the pre-commit
 * hook), so that the parser compiles while the CLI itself loads; with its first message, error or
 * exit, listened for from the start.
 */
export interface EarlyParseWorker {
  worker: Worker;
  done: Promise<Array<[string, ParsedSection]> | undefined>;
}

/**
 * Starts a worker that loads the parser now and parses what it is given later (or takes the one
 * bin/fast-path.js started); undefined when no worker script is at hand (the tests run the
 * TypeScript sources).
 */
export async function startParseWorker(): Promise<ParseWorker | undefined> {
  const holder = globalThis as { [EARLY_PARSE_WORKER]?: EarlyParseWorker };
  const early = holder[EARLY_PARSE_WORKER];
  delete holder[EARLY_PARSE_WORKER];
  if (early) {
    trace('lint: parse worker started by bin/fast-path.js');
    return handleOf(early.worker, early.done.then((entries) => new Map(entries ?? [])));
  }
  const script = new URL('./parse-worker.js', import.meta.url);
  if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return undefined;
  let worker: Worker;
  try {
    // The worker imports nothing but the parser: the flag loadParser would set is set here.
    const [{ Worker }] = await Promise.all([import('node:worker_threads'), baselineWasmOnly()]);
    worker = new Worker(script);
  } catch {
    return undefined;
  }
  const result = new Promise<ReadonlyMap<string, ParsedSection>>((resolve) => {
    worker.once('message', (entries: Array<[string, ParsedSection]>) => resolve(new Map(entries)));
    worker.once('error', () => resolve(new Map()));
    worker.once('exit', () => resolve(new Map()));
  });
  // Until it is given files, it does not keep the process alive: a run that ends early (a cache
  // hit, an error) just leaves. (After the listeners: a 'message' listener refs the port again.)
  worker.unref();
  return handleOf(worker, result);
}

/** The {@link ParseWorker} of a started, unref'd worker whose answer `result` will be. */
function handleOf(worker: Worker, result: Preparsed): ParseWorker {
  return {
    parse(files) {
      // The worker gets the sections, keyed here: it need not load the header parser (nor crypto).
      const sections: SectionsToParse = [];
      for (const { path, text } of files) {
        const file = parseMigration(path, text);
        if (file.kind !== 'sql') continue;
        for (const name of ['up', 'down'] as const) {
          const section = file[name];
          if (section) sections.push({ key: sectionKey(file, name), sql: section.sql });
        }
      }
      // Now something waits for it: it keeps the process alive until it answers.
      worker.ref();
      worker.postMessage(sections);
      return result;
    },
    cancel() {
      void worker.terminate();
    },
  };
}
