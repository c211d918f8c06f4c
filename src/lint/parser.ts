/** The Postgres parser for lint, loaded once, on first need. */
let parser: Promise<typeof import('../sql/parse.js')> | undefined;

/**
 * Baseline-compiled WebAssembly only: optimising the 1.7 MB parser in the background costs more
 * CPU than lint's parsing saves, and the process cannot exit before that compilation ends. V8's
 * flags are per process: set before the parser compiles, here or in the parse worker.
 */
export async function baselineWasmOnly(): Promise<void> {
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
}

/** The parser, loaded on the first cache miss: a fully cached run never loads WebAssembly. */
export async function loadParser(): Promise<typeof import('../sql/parse.js')> {
  if (!parser) await baselineWasmOnly();
  parser ??= import('../sql/parse.js').then(async (m) => {
    await m.ensureParser();
    return m;
  });
  return parser;
}
