/** The Postgres parser for lint, loaded once, on first need. */
let parser: Promise<typeof import('../sql/parse.js')> | undefined;
/** The parser, loaded on the first cache miss: a fully cached run never loads WebAssembly. */
export async function loadParser(): Promise<typeof import('../sql/parse.js')> {
  // Baseline-compiled WebAssembly only: optimising the 1.7 MB parser in the background costs more
  // CPU than lint's parsing saves, and the process cannot exit before that compilation ends.
  if (!parser) (await import('node:v8')).setFlagsFromString('--liftoff-only');
  parser ??= import('../sql/parse.js').then(async (m) => {
    await m.ensureParser();
    return m;
  });
  return parser;
}

