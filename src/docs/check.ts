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
  current: boolean;
  files: DocsFileCheck[];
}

/**
 * Compares the generated files with the ones in the schema folder, byte for byte, and gives the
 * diff of each that differs. `label` names a file in the diff headers (default: its path).
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
  return { current: files.every((f) => f.state === 'current'), files };
}
