import { describeVersionOnly, diffAcrossVersions } from '../catalog/across-versions.js';
import type { DiffEntry } from '../catalog/diff.js';
import { renderEntry } from '../catalog/render-diff.js';
import type { CatalogSnapshot, DefaultPrivilegeSnapshot, Privilege } from '../catalog/types.js';
import { MIGRATOR, principalOwner, renameRole } from '../docs/canonical.js';
import type { DriftFinding } from './types.js';

/** What the expected snapshot is. */
export type ReferenceKind = 'snapshot' | 'environment';

/**
 * Compares a database's snapshot with the expected one and returns one finding per difference,
 * in the classes of the catalog diff (structure, security, documentation). Before comparing:
 * - the role that runs the migrations is matched on both sides: the expected side's migrating
 *   role (`<migrator>` in `schema/snapshot.json`, else the role owning most objects) is read as
 *   the actual side's, so owners and the owner's own privileges compare equal when the same role
 *   owns everything, and an object owned by any other role shows as drift;
 * - against the committed snapshot, the database object itself (owner, comment, CONNECT grants)
 *   is not compared: migrations do not make it; between two environments, its roles follow the
 *   migrating role only when that role owns both databases;
 * - an object whose owner differs is reported once, as an owner change: the privileges its owner
 *   holds as owner are compared as the new owner's;
 * - what only the servers' major versions explain is left out (see classifyAcrossVersions):
 *   `MAINTAIN` (Postgres 17 and later) when only one side's server has it, an extension's version
 *   when the two servers' majors differ (on the same major it is drift, and its message says so),
 *   and an expression (a view's query, a default, ...) that the two servers print differently with
 *   the same meaning.
 *
 * @example
 * const findings = await compareWithReference(JSON.parse(readFileSync('schema/snapshot.json', 'utf8')), live, 'snapshot');
 */
export async function compareWithReference(expected: CatalogSnapshot, actual: CatalogSnapshot, reference: ReferenceKind): Promise<DriftFinding[]> {
  return (await compareAcrossVersions(expected, actual, reference)).findings;
}

/**
 * {@link compareWithReference}, with the differences it left out because only the servers' major
 * versions explain them, as sentences with why (see describeVersionOnly); `sides` names the two
 * snapshots in them.
 */
export async function compareAcrossVersions(
  expected: CatalogSnapshot,
  actual: CatalogSnapshot,
  reference: ReferenceKind,
  sides: { expected: string; actual: string } = { expected: 'the expected snapshot', actual: 'the database' },
): Promise<{ findings: DriftFinding[]; versionOnly: string[] }> {
  let left = expected;
  let right = actual;
  if (reference === 'snapshot') left = { ...left, database: right.database };
  const from = reference === 'snapshot' ? MIGRATOR : principalOwner(left);
  const to = principalOwner(right);
  if (from !== undefined && to !== undefined) left = renameMigrator(left, right, from, to);
  left = alignOwnersPrivileges(left, right);
  const compared = await diffAcrossVersions(left, right);
  const versionOnly = describeVersionOnly(compared.versionOnly, { removed: `${sides.expected} has and ${sides.actual} has not`, added: `${sides.actual} has and ${sides.expected} has not` });
  return { findings: compared.differences.map(toFinding), versionOnly };
}

function toFinding(entry: DiffEntry): DriftFinding {
  const finding: DriftFinding = { class: entry.class, kind: entry.kind, objectType: entry.objectType, object: entry.object, message: renderEntry(entry, 'drift') };
  if (entry.path !== undefined) finding.path = entry.path;
  if (entry.objectType === 'privilege' || entry.objectType === 'default privilege') finding.grantee = ((entry.before ?? entry.after) as Privilege | DefaultPrivilegeSnapshot).grantee;
  if (entry.before !== undefined) finding.expected = entry.before;
  if (entry.after !== undefined) finding.actual = entry.after;
  return finding;
}

/**
 * `expected` with its migrating role `from` read as `to`. The database object is made by whoever
 * set up the server, not by the migrations: its owner and grantors follow the migrating role only
 * when that role owns the database on both sides; otherwise only grants to the migrating role are
 * mapped, and a database owned by different roles is left to {@link alignOwnersPrivileges}.
 */
function renameMigrator(expected: CatalogSnapshot, actual: CatalogSnapshot, from: string, to: string): CatalogSnapshot {
  const renamed = renameRole(expected, from, to);
  const database = expected.database;
  if (renamed === expected || (database.owner === from && actual.database.owner === to)) return renamed;
  const mapGrantee = database.owner !== from && actual.database.owner !== to;
  return {
    ...renamed,
    database: { ...database, privileges: database.privileges.map((p) => (mapGrantee && p.grantee === from ? { ...p, grantee: to } : p)) },
  };
}

/**
 * A copy of `expected` in which, on each object (the database included) that `actual` has under
 * another owner, the privileges the expected owner holds or granted are the actual owner's.
 */
function alignOwnersPrivileges(expected: CatalogSnapshot, actual: CatalogSnapshot): CatalogSnapshot {
  const copy = structuredClone(expected);
  const align = (object: { owner: string; privileges: Privilege[] }, other: { owner: string } | undefined) => {
    if (!other || other.owner === object.owner) return;
    const from = object.owner;
    object.privileges = object.privileges.map((p) => ({ ...p, grantee: p.grantee === from ? other.owner : p.grantee, grantor: p.grantor === from ? other.owner : p.grantor }));
  };
  align(copy.database, actual.database);
  const sections = ['schemas', 'tables', 'views', 'sequences', 'functions', 'enums', 'domains', 'compositeTypes', 'rangeTypes'] as const;
  for (const section of sections) {
    const left = copy[section] as Record<string, { owner: string; privileges: Privilege[] }>;
    const right = actual[section] as Record<string, { owner: string; privileges: Privilege[] }>;
    for (const [key, object] of Object.entries(left)) align(object, right[key]);
  }
  return copy;
}
