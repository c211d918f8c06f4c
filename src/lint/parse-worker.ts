/**
 * A worker thread that parses migrations' SQL (src/lint/preparse.ts starts it). It loads the
 * Postgres parser (WebAssembly) at once, then parses the files the main thread posts, while that
 * one reads the history and loads the rules; it posts back the parsed sections by cache key.
 */
import { parentPort } from 'node:worker_threads';
import { parseMigration } from '../migrations/parse.js';
import type { ParsedSection } from './engine.js';
import { loadParser } from './parser.js';
import { parseSectionWith, sectionKey } from './parse-sections.js';

const parser = loadParser();
parentPort!.once('message', async (files: Array<{ path: string; text: string }>) => {
  const p = await parser;
  const parsed: Array<[string, ParsedSection]> = [];
  for (const { path, text } of files) {
    const file = parseMigration(path, text);
    if (file.kind !== 'sql') continue;
    for (const name of ['up', 'down'] as const) {
      const section = file[name];
      if (section) parsed.push([sectionKey(file, name), parseSectionWith(p, section.sql)]);
    }
  }
  parentPort!.postMessage(parsed);
  parentPort!.close();
});
