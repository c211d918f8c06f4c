import { existsSync, readFileSync } from 'node:fs';
import { describeVersionOnly, diffAcrossVersions, type VersionedDiff, type VersionOnlyDifference } from '../catalog/across-versions.js';
import { renderDiff } from '../catalog/render-diff.js';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import { snapshotProblems } from '../drift/reference.js';
import { renderDocs } from './generate.js';
import { unifiedDiff } from './text-diff.js';
import type { DocsFileName, DocsResult, GeneratedFile } from './types.js';

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
  /**
   * How the committed snapshot differs from the regenerated one, as sentences ("type of column
   * public.users.name changed from character varying(100) to text"), leaving out what only the
   * servers' major versions explain; empty when snapshot.json is current or cannot be read.
   */
  differences: string[];
  /**
   * How the committed snapshot differs from the regenerated one in what only the servers' major
   * versions explain (MAINTAIN grants, extension versions, expressions printed differently), as sentences; empty when
   * it does not. Those differences alone leave the files current.
   */
  versionOnly: string[];
}

/**
 * Compares the generated files with the ones in the schema folder and gives the diff of each that
 * differs. `label` names a file in the diff headers (default: its path).
 *
 * A file equal byte for byte is current. So are files generated on a server of another major
 * version, when that is all that differs: the committed `snapshot.json` read back differs from the
 * regenerated snapshot only in what `pgwarden drift` also sets aside (see diffAcrossVersions), and
 * the committed `README.md` and `schema.sql` are what that committed snapshot renders. With no
 * migrations and none of the files, it is current: nothing to document yet (as `pgwarden init`
 * leaves a project).
 *
 * @example
 * const check = await checkDocs(config, await generateDocs(config));
 * if (!check.current) console.log(check.files.flatMap((f) => f.diff).join('\n'));
 */
export async function checkDocs(config: PgwardenConfig, result: DocsResult, label: (path: string) => string = (p) => p): Promise<DocsCheck> {
  const committed = new Map(result.files.map((file) => [file.name, existsSync(file.path) ? readFileSync(file.path, 'utf8') : undefined]));
  const exact = (file: GeneratedFile) => committed.get(file.name) === file.content;
  const snapshotFile = result.files.find((f) => f.name === 'snapshot.json');
  const compared = snapshotFile && !exact(snapshotFile) ? await compareCommitted(committed.get('snapshot.json'), result.snapshot) : undefined;
  let asCommitted: GeneratedFile[] | undefined;
  if (compared && compared.differences.length === 0 && !result.files.every(exact)) {
    asCommitted = (await renderDocs(config, { snapshot: compared.snapshot, functionDefinitions: result.input.functionDefinitions, migrations: result.input.history })).files;
  }
  const files = result.files.map((file): DocsFileCheck => {
    const text = committed.get(file.name);
    if (text === undefined) return { name: file.name, path: file.path, state: 'missing', diff: [] };
    if (text === file.content || asCommitted?.find((f) => f.name === file.name)?.content === text) return { name: file.name, path: file.path, state: 'current', diff: [] };
    const name = label(file.path);
    return { name: file.name, path: file.path, state: 'stale', diff: unifiedDiff(text, file.content, { before: `${name} (committed)`, after: `${name} (from the migrations)` }) };
  });
  const nothingToDocument = result.migrations === 0 && files.every((f) => f.state === 'missing');
  return {
    current: nothingToDocument || files.every((f) => f.state === 'current'),
    files,
    nothingToDocument,
    differences: renderDiff(compared?.differences ?? [], { wording: 'neutral' }),
    versionOnly: describeSetAside(compared?.versionOnly ?? []),
  };
}

/** The committed snapshot compared with the regenerated one, when it can be read as a snapshot. */
async function compareCommitted(text: string | undefined, generated: CatalogSnapshot): Promise<(VersionedDiff & { snapshot: CatalogSnapshot }) | undefined> {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (snapshotProblems(value).length > 0) return undefined;
  const snapshot = value as CatalogSnapshot;
  return { snapshot, ...(await diffAcrossVersions(snapshot, generated)) };
}

/** One sentence per reason: MAINTAIN grants counted, other differences named. */
function describeSetAside(entries: VersionOnlyDifference[]): string[] {
  return describeVersionOnly(entries, { removed: 'the committed snapshot has and the regenerated one has not', added: 'the regenerated snapshot has and the committed one has not' });
}
