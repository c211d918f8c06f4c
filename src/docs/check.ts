import { existsSync, readFileSync } from 'node:fs';
import { unifiedDiff } from './text-diff.js';
import type { DocsFileName, DocsResult } from './types.js';

/** How one committed file compares with the generated one. */
export interface DocsFileCheck {
  name: DocsFileName;
  path: string;
  state: 'current' | 'stale' | 'missing';
  /** Unified diff from the committed file to the generated one (empty unless stale). */
  diff: string[];
}

/** Whether the schema folder holds what the migrations produce. */
export interface DocsCheck {
  /** The files match, or there is nothing to document yet (see {@link DocsCheck.nothingToDocument}). */
  current: boolean;
  files: DocsFileCheck[];
  /**
   * A fresh project: no migrations, and none of the files written yet. Nothing is stale (there is no
   * schema to document): the files are written by `pgwarden docs` once there is a first migration.
   */
  nothingToDocument: boolean;
}

/**
 * Compares the generated files with the ones in the schema folder, byte for byte, and gives the
 * diff of each that differs. `label` names a file in the diff headers (default: its path). With no
 * migrations and none of the files, it is current: nothing to document yet (as `pgwarden init`
 * leaves a project).
 *
 * @example
 * const check = checkDocs(await generateDocs(config));
 * if (!check.current) console.log(check.files.flatMap((f) => f.diff).join('\n'));
 */
export function checkDocs(result: DocsResult, label: (path: string) => string = (p) => p): DocsCheck {
  const files = result.files.map((file): DocsFileCheck => {
    if (!existsSync(file.path)) return { name: file.name, path: file.path, state: 'missing', diff: [] };
    const committed = readFileSync(file.path, 'utf8');
    if (committed === file.content) return { name: file.name, path: file.path, state: 'current', diff: [] };
    const name = label(file.path);
    return { name: file.name, path: file.path, state: 'stale', diff: unifiedDiff(committed, file.content, { before: `${name} (committed)`, after: `${name} (from the migrations)` }) };
  });
  const nothingToDocument = result.migrations === 0 && files.every((f) => f.state === 'missing');
  return { current: nothingToDocument || files.every((f) => f.state === 'current'), files, nothingToDocument };
}
