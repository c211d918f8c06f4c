import { samePrintedMeaning } from '../sql/printed-form.js';
import { diffSnapshots, type DiffEntry, type DiffOptions, type SnapshotDiff } from './diff.js';
import { renderEntry } from './render-diff.js';
import type { CatalogSnapshot, DefaultPrivilegeSnapshot, Privilege } from './types.js';

/** The MAINTAIN privilege exists from this major version on; every owner holds it implicitly. */
export const MAINTAIN_SINCE = 17;

/** A difference that says nothing about the schema: only the servers' major versions differ. */
export interface VersionOnlyDifference {
  entry: DiffEntry;
  /** Why, e.g. "MAINTAIN exists from Postgres 17". */
  reason: string;
}

/** Two snapshots compared with what the server's major version decides set aside. */
export interface VersionedDiff {
  /** The real differences. */
  differences: SnapshotDiff;
  /** The differences that only the servers' major versions explain. */
  versionOnly: VersionOnlyDifference[];
}

/** The reason given for an expression that the two servers print differently. */
export const REPRINTED = 'printed differently by another major version, same meaning';

/**
 * Compares two snapshots that servers of different major versions may have made (the committed
 * `schema/snapshot.json` built on one, a database or a regenerated snapshot on another), setting
 * aside what only the version explains:
 * - `MAINTAIN` grants (Postgres 17 and later, held implicitly by every owner) when only one of
 *   the two snapshots has any;
 * - an expression (a view's query, a constraint, an index, a default, a predicate, a policy) that
 *   the two servers print differently with the same meaning, e.g. `SELECT customers.id FROM
 *   customers` (Postgres 15) and `SELECT id FROM customers` (16 and later). They must parse to the
 *   same tree once locations are left out and a column qualified with its query level's only
 *   relation is read unqualified.
 * Anything else is a real difference, whatever the versions.
 *
 * @example
 * const { differences } = await diffAcrossVersions(committed, regenerated);
 * if (differences.length === 0) console.log('same schema');
 */
export async function diffAcrossVersions(a: CatalogSnapshot, b: CatalogSnapshot, options: DiffOptions = {}): Promise<VersionedDiff> {
  const oneSidedMaintain = hasPrivilege(a, 'MAINTAIN') !== hasPrivilege(b, 'MAINTAIN');
  const differences: SnapshotDiff = [];
  const versionOnly: VersionOnlyDifference[] = [];
  for (const entry of diffSnapshots(a, b, options)) {
    const reason = await versionReason(entry, oneSidedMaintain);
    if (reason === undefined) differences.push(entry);
    else versionOnly.push({ entry, reason });
  }
  return { differences, versionOnly };
}

async function versionReason(entry: DiffEntry, oneSidedMaintain: boolean): Promise<string | undefined> {
  if (oneSidedMaintain && (entry.objectType === 'privilege' || entry.objectType === 'default privilege')) {
    const privilege = ((entry.before ?? entry.after) as Privilege | DefaultPrivilegeSnapshot | undefined)?.privilege;
    if (privilege === 'MAINTAIN') return `MAINTAIN exists from Postgres ${MAINTAIN_SINCE}: a server before it has none`;
  }
  return (await reprintedWithSameMeaning(entry)) ? REPRINTED : undefined;
}

/**
 * Whether a changed property holds SQL that Postgres printed (a view's query, a constraint, an
 * index, a default, a predicate, a policy) and the two printings mean the same: they parse to the
 * same tree once locations are left out and single-relation qualifiers are read unqualified (see
 * samePrintedMeaning). Any other change, an expression with another tree included, is false.
 */
export async function reprintedWithSameMeaning(entry: DiffEntry): Promise<boolean> {
  if (entry.kind !== 'changed' || typeof entry.before !== 'string' || typeof entry.after !== 'string') return false;
  const kind = printedKind(entry);
  return kind !== undefined && (await samePrintedMeaning(kind, entry.before, entry.after));
}

/**
 * A difference set aside, as a sentence with why: "definition of view public.v (printed
 * differently by another major version, same meaning)". An expression's two printings are left
 * out: they mean the same, and may be long.
 */
export function setAsideSentence(entry: DiffEntry, reason: string): string {
  const text = renderEntry(entry, 'neutral');
  return `${entry.kind === 'changed' && entry.path !== undefined && printedKind(entry) !== undefined ? text.replace(/ changed from [\s\S]*$/, '') : text} (${reason})`;
}

/** What a changed property holds, when it is SQL that Postgres printed. */
function printedKind(entry: DiffEntry): 'statement' | 'constraint' | 'expression' | undefined {
  switch (entry.path) {
    case 'definition':
      // A view's query, CREATE INDEX, CREATE TRIGGER: whole statements; a constraint's is not.
      return entry.objectType === 'constraint' ? 'constraint' : 'statement';
    case 'default':
    case 'predicate':
    case 'using':
    case 'withCheck':
    case 'generated.expression':
      return 'expression';
    default:
      return undefined;
  }
}

/** True when any privilege or default privilege in the snapshot is `privilege`. */
function hasPrivilege(snapshot: CatalogSnapshot, privilege: string): boolean {
  return holders(snapshot).some((o) => o.privileges.some((p) => p.privilege === privilege)) || snapshot.defaultPrivileges.some((d) => d.privilege === privilege);
}

/** Every object of the snapshot that carries privileges. */
function holders(snapshot: CatalogSnapshot): Array<{ privileges: Privilege[] }> {
  const sections = [snapshot.schemas, snapshot.tables, snapshot.views, snapshot.sequences, snapshot.functions, snapshot.enums, snapshot.domains, snapshot.compositeTypes, snapshot.rangeTypes];
  return [snapshot.database, ...sections.flatMap((section) => Object.values(section ?? {}) as Array<{ privileges: Privilege[] }>)];
}
