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

/** The major versions of the servers two snapshots were read on, where known. */
export interface ComparedMajors {
  /** Of snapshot `a` (before, or expected). */
  a?: number | undefined;
  /** Of snapshot `b` (after, or actual). */
  b?: number | undefined;
}

/** The reason given for an expression that the two servers print differently. */
export const REPRINTED = 'printed differently by another major version, same meaning';

/** Why an extension's version is no difference between servers of two major versions. */
export const PACKAGED_VERSION = "CREATE EXTENSION installs the server's own packaged default version, which differs between major versions";

/**
 * Compares two snapshots that servers of different major versions may have made (the committed
 * `schema/snapshot.json` built on one, a database or a regenerated snapshot on another), setting
 * aside what only the version explains (see {@link classifyAcrossVersions}). The majors are those
 * the snapshots record (`postgresMajor`); where one does not (a snapshot written before pgwarden
 * recorded it), `MAINTAIN` grants on only one side still tell that the majors differ.
 *
 * @example
 * const { differences } = await diffAcrossVersions(committed, regenerated);
 * if (differences.length === 0) console.log('same schema');
 */
export async function diffAcrossVersions(a: CatalogSnapshot, b: CatalogSnapshot, options: DiffOptions = {}): Promise<VersionedDiff> {
  const oneSidedMaintain = hasPrivilege(a, 'MAINTAIN') !== hasPrivilege(b, 'MAINTAIN');
  return classifyAcrossVersions(diffSnapshots(a, b, options), { a: a.postgresMajor, b: b.postgresMajor }, oneSidedMaintain);
}

/**
 * Splits the differences between two snapshots into real ones and those only the servers' major
 * versions explain (`baseline`, `docs --check` and `drift` all compare this way):
 * - `MAINTAIN` grants (Postgres 17 and later, held implicitly by every owner) when one server has
 *   it and the other has not (`oneSidedMaintain`: only one snapshot has any, for when a major is
 *   not known);
 * - an extension's version when the majors differ: `CREATE EXTENSION` without `VERSION` installs
 *   the server's packaged default. On the same major, or when a major is not known, it is a real
 *   difference, with a note saying why;
 * - an expression (a view's query, a constraint, an index, a default, a predicate, a policy) that
 *   the two servers print differently with the same meaning, e.g. `SELECT customers.id FROM
 *   customers` (Postgres 15) and `SELECT id FROM customers` (16 and later). They must parse to the
 *   same tree once locations are left out and a column qualified with its query level's only
 *   relation is read unqualified.
 * Anything else is a real difference, whatever the versions.
 */
export async function classifyAcrossVersions(entries: SnapshotDiff, majors: ComparedMajors, oneSidedMaintain = false): Promise<VersionedDiff> {
  const differences: SnapshotDiff = [];
  const versionOnly: VersionOnlyDifference[] = [];
  for (const entry of entries) {
    const verdict = await versionVerdict(entry, majors, oneSidedMaintain);
    if (verdict.reason !== undefined) versionOnly.push({ entry, reason: verdict.reason });
    else differences.push(verdict.note !== undefined ? { ...entry, note: verdict.note } : entry);
  }
  return { differences, versionOnly };
}

async function versionVerdict(entry: DiffEntry, majors: ComparedMajors, oneSidedMaintain: boolean): Promise<{ reason?: string; note?: string }> {
  const { a, b } = majors;
  const known = a !== undefined && b !== undefined;
  if (entry.objectType === 'privilege' || entry.objectType === 'default privilege') {
    const privilege = ((entry.before ?? entry.after) as Privilege | DefaultPrivilegeSnapshot | undefined)?.privilege;
    if (privilege === 'MAINTAIN') {
      const older = known ? Math.min(a, b) : undefined;
      if (known && Math.max(a, b) >= MAINTAIN_SINCE && older! < MAINTAIN_SINCE) return { reason: `MAINTAIN exists from Postgres ${MAINTAIN_SINCE}: Postgres ${older} cannot express it` };
      if (!known && oneSidedMaintain) return { reason: `MAINTAIN exists from Postgres ${MAINTAIN_SINCE}: a server before it has none` };
    }
  }
  if (entry.objectType === 'extension' && entry.kind === 'changed' && entry.path === 'version') {
    if (known && a !== b) return { reason: `${PACKAGED_VERSION}: Postgres ${a} and ${b} here` };
    if (known) return { note: `both servers run Postgres ${a}: not explained by the major version` };
    if (oneSidedMaintain) return { reason: `${PACKAGED_VERSION}: only one of the two servers has MAINTAIN (Postgres ${MAINTAIN_SINCE} and later)` };
    return { note: `${a === undefined ? 'the committed snapshot' : 'a snapshot'} does not record the Postgres major version it was made on (an older pgwarden wrote it): regenerate it with pgwarden docs, so that a version only another major explains is set aside` };
  }
  return (await reprintedWithSameMeaning(entry)) ? { reason: REPRINTED } : {};
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

/**
 * What was set aside as only the servers' major versions explain it, one sentence per reason for
 * grants (`16 MAINTAIN grants the committed snapshot has and the regenerated one has not (MAINTAIN
 * exists from Postgres 17: ...)`), one per difference otherwise (see {@link setAsideSentence}).
 * `sides` words where grants are: on side `a` only (`removed`), or on side `b` only (`added`).
 */
export function describeVersionOnly(entries: readonly VersionOnlyDifference[], sides: { removed: string; added: string }): string[] {
  const grants = entries.filter((e) => e.entry.objectType === 'privilege' || e.entry.objectType === 'default privilege');
  const sentences: string[] = [];
  for (const kind of ['removed', 'added'] as const) {
    const some = grants.filter((e) => e.entry.kind === kind);
    if (some.length > 0) sentences.push(`${some.length} MAINTAIN grant${some.length === 1 ? '' : 's'} ${sides[kind]} (${some[0]!.reason})`);
  }
  for (const e of entries.filter((x) => !grants.includes(x))) sentences.push(setAsideSentence(e.entry, e.reason));
  return sentences;
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
