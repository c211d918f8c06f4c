/**
 * A worker thread that parses migrations' SQL sections (src/lint/preparse.ts starts it). It loads
 * the Postgres parser (WebAssembly) at once, then parses the sections the main thread posts, while
 * that one reads the history and loads the rules; it posts back the parsed sections by cache key.
 * It imports nothing else: every module a worker loads is compiled again for it (Node's own crypto
 * modules, for the checksums the main thread has anyway, cost it ~10 ms), and this worker is on
 * the pre-commit hook's critical path. Whoever starts it sets V8's --liftoff-only first
 * (baselineWasmOnly in parser.ts).
 */
import { parentPort } from 'node:worker_threads';
import * as parser from '../sql/parse.js';
import type { ParsedSection } from './engine.js';
import { parseSectionWith } from './parse-sections.js';

/** What the main thread posts: sections by their cache key (see parse-sections.ts). */
export type SectionsToParse = Array<{ key: string; sql: string }>;

const loaded = parser.ensureParser();
parentPort!.once('message', async (sections: SectionsToParse) => {
  await loaded;
  const parsed: Array<[string, ParsedSection]> = sections.map(({ key, sql }) => [key, parseSectionWith(parser, sql)]);
  parentPort!.postMessage(parsed);
  parentPort!.close();
});
