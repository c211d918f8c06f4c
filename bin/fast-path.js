import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `pgwarden lint` and `pgwarden check --staged` (a pre-commit hook runs them on every commit) start
// here: bin/pgwarden.js, and checks/pre-commit in its own process. Plain JS, run before any of
// pgwarden's code loads.

// The bundled CLI (checks/bundle, part of npm run build) loads a few files instead of hundreds;
// dist/cli/ (tsc's output) serves when the bundle was not built.
const bundled = existsSync(new URL('../dist/bundle/cli.js', import.meta.url));

/** Imports a CLI entry point: the bundle's, or tsc's output. */
export const entry = (name) => import(bundled ? `../dist/bundle/${name}.js` : `../dist/cli/${name === 'cli' ? 'index' : name}.js`);

/**
 * Runs `pgwarden lint` or `pgwarden check --staged` (argv: the command and its arguments) without
 * yargs and the other commands' imports, and returns the exit code; undefined when the command or
 * its arguments need the full CLI (src/cli/lint-fast.ts, src/cli/check-fast.ts).
 */
export async function runFast(argv) {
  // `pgwarden lint` is a short run (half a second on a 1,000-migration history), and V8's defaults
  // suit long ones. Its budget marks functions hot so early that the optimising compiler spends more
  // CPU in background threads than the optimised code saves, and on a 2-core machine those threads
  // compete with the run: eight times the default (67,584) measured 10% faster on bench/lint.ts, and
  // functions that stay hot are still optimised. Its scavenges of a young generation of a few MB are
  // shared out to helper threads, whose wake-ups cost more than they save: one thread each measured
  // 4% faster, with a third fewer context switches. (Both flags are read as V8 goes, so setting them
  // now is safe; flags read at heap set-up, such as --single-threaded-gc, abort V8.)
  // PGWARDEN_V8_FLAGS replaces them (empty: V8's defaults).
  // `--liftoff-only` as baselineWasmOnly (src/lint/parser.ts) sets it when the parser loads, but
  // before any code compiles: V8 accepts a code cache (below) only under the flags that made it.
  // `pgwarden check --staged` (the pre-commit check) is a lint run too, and shares lint's fast path.
  const staged = argv.includes('--staged');
  const fastCommand = argv[0] === 'lint' ? 'runLintFast' : argv[0] === 'check' && staged ? 'runCheckFast' : undefined;
  if (!fastCommand) return undefined;
  const v8 = await import('node:v8');
  v8.setFlagsFromString(process.env.PGWARDEN_V8_FLAGS ?? '--interrupt-budget=540672 --no-parallel-scavenge');
  v8.setFlagsFromString('--liftoff-only');

  // `pgwarden lint --staged` and `check --staged` (pre-commit) parse the staged files in a worker thread: it
  // starts first, so that the parser (WebAssembly) compiles on the other core while the CLI loads.
  // src/lint/preparse.ts takes it over (EarlyParseWorker); unused, it never keeps the process alive.
  if (bundled && staged) {
    try {
      const { Worker } = await import('node:worker_threads');
      const worker = new Worker(new URL('../dist/bundle/parse-worker.js', import.meta.url));
      const done = new Promise((resolve) => {
        worker.once('message', resolve);
        worker.once('error', () => resolve(undefined));
        worker.once('exit', () => resolve(undefined));
      });
      // After the listeners: a 'message' listener refs the worker's port again.
      worker.unref();
      globalThis[Symbol.for('pgwarden.parseWorker')] = { worker, done };
    } catch {
      // The CLI starts one itself.
    }
  }

  // They load their CommonJS bundle with V8's code cache when there is one (checks/bundle,
  // src/cli/code-cache.ts): its functions' bytecode from an earlier run, not compiled again.
  const cjs = fileURLToPath(new URL('../dist/bundle/lint-fast.cjs', import.meta.url));
  let fast;
  if (!bundled || !existsSync(cjs)) fast = await entry('lint-fast');
  else {
    const { loadWithCodeCache } = await import('../dist/cli/code-cache.js');
    fast = loadWithCodeCache(cjs).exports;
  }
  return fast[fastCommand](argv.slice(1));
}
