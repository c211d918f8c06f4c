import { compareText } from '../catalog/sort.js';
import type { CatalogSnapshot } from '../catalog/types.js';

/**
 * Stands, in `schema/snapshot.json`, for the role that ran the migrations. The throwaway database
 * `docs` builds the schema on is owned by whoever started it (`postgres` on the embedded server,
 * the CI user on a `DATABASE_URL`), so the committed snapshot names no real role for it: it is the
 * same file wherever it is generated, and drift maps it to the environment's own migrating role.
 */
export const MIGRATOR = '<migrator>';

/**
 * The snapshot as `schema/snapshot.json` holds it: `applier` (the role that applied the
 * migrations) renamed to {@link MIGRATOR}, and the database itself (its owner, comment and ACL
 * belong to the server it was built on, not to the migrations) left neutral.
 */
export function canonicalSnapshot(snapshot: CatalogSnapshot, applier: string): CatalogSnapshot {
  const renamed = renameRole(snapshot, applier, MIGRATOR);
  return { ...renamed, database: { owner: MIGRATOR, comment: null, privileges: [] } };
}

/** Properties of a snapshot that hold one role name. */
const ROLE_KEYS = new Set(['owner', 'grantee', 'grantor', 'role']);

/**
 * A copy of `snapshot` with every mention of role `from` (owners, grantees, grantors, default
 * privileges' creating roles, policies' roles) replaced by `to`.
 */
export function renameRole(snapshot: CatalogSnapshot, from: string, to: string): CatalogSnapshot {
  if (from === to) return snapshot;
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === 'string') return key !== undefined && ROLE_KEYS.has(key) && value === from ? to : value;
    if (Array.isArray(value)) {
      if (key === 'roles' && value.every((v) => typeof v === 'string')) return value.map((v) => (v === from ? to : v)).sort(compareText);
      return value.map((item) => walk(item, undefined));
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
      return out;
    }
    return value;
  };
  return walk(snapshot, undefined) as CatalogSnapshot;
}

/**
 * The role that owns most of the schema's objects (tables, views, sequences, functions, types):
 * the role migrations run as. Undefined for an empty schema. Ties go to the database's owner when
 * it is among them, else to the first name.
 */
export function principalOwner(snapshot: CatalogSnapshot): string | undefined {
  const counts = new Map<string, number>();
  const sections = [snapshot.tables, snapshot.views, snapshot.sequences, snapshot.functions, snapshot.enums, snapshot.domains, snapshot.compositeTypes, snapshot.rangeTypes];
  for (const section of sections) {
    for (const object of Object.values(section ?? {})) counts.set(object.owner, (counts.get(object.owner) ?? 0) + 1);
  }
  const most = Math.max(0, ...counts.values());
  const tied = [...counts].filter(([, n]) => n === most).map(([role]) => role).sort(compareText);
  return tied.includes(snapshot.database.owner) ? snapshot.database.owner : tied[0];
}

/** The snapshot as JSON text: two-space indented, one property per line, ending with a newline. */
export function serializeSnapshot(snapshot: CatalogSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
