/**
 * Parsing in a worker thread (src/lint/parse-worker.ts), so that the Postgres parser (WebAssembly)
 * compiles and parses on another core while the main thread asks git what is staged, reads the
 * history and loads the rules. For the few files a run reports on (staged or named ones); any
 * failure just leaves the parsing to the engine.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ParsedSection } from './engine.js';

/** Parsed sections by cache key, as the worker gives them (empty when it could not). */
export type Preparsed = Promise<ReadonlyMap<string, ParsedSection>>;

export interface ParseWorker {
  /** Parses these files (once); the promise never rejects. */
  parse(files: ReadonlyArray<{ path: string; text: string }>): Preparsed;
  /** Stops the worker (nothing to parse after all). */
  cancel(): void;
}

/**
 * Starts a worker that loads the parser now and parses what it is given later; undefined when no
 * worker script is at hand (the tests run the TypeScript sources).
 */
export async function startParseWorker(): Promise<ParseWorker | undefined> {
  const script = new URL('./parse-worker.js', import.meta.url);
  if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return undefined;
  let worker: Worker;
  try {
    const { Worker } = await import('node:worker_threads');
    worker = new Worker(script);
  } catch {
    return undefined;
  }
  // It never keeps the process alive: a run that ends early (a cache hit, an error) just leaves.
  worker.unref();
  const result = new Promise<ReadonlyMap<string, ParsedSection>>((resolve) => {
    worker.once('message', (entries: Array<[string, ParsedSection]>) => resolve(new Map(entries)));
    worker.once('error', () => resolve(new Map()));
    worker.once('exit', () => resolve(new Map()));
  });
  return {
    parse(files) {
      worker.postMessage(files);
      return result;
    },
    cancel() {
      void worker.terminate();
    },
  };
}
