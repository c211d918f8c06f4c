import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DocsResult, GeneratedFile } from './types.js';

/** What {@link writeDocs} did to each file. */
export interface WriteResult {
  written: GeneratedFile[];
  unchanged: GeneratedFile[];
}

/**
 * Writes the generated files into the schema folder (creating it), leaving alone those whose
 * content is already the same and every other file there (`roles.yaml`).
 */
export function writeDocs(result: DocsResult): WriteResult {
  const out: WriteResult = { written: [], unchanged: [] };
  for (const file of result.files) {
    if (existsSync(file.path) && readFileSync(file.path, 'utf8') === file.content) {
      out.unchanged.push(file);
      continue;
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
    out.written.push(file);
  }
  return out;
}

