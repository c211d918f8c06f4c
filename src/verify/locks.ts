import type pg from 'pg';
import { CHANGE_LOG_SCHEMA } from '../catalog/change-log.js';
import type { LockBlocks, LockMode, LockTrace } from './types.js';

/** What each table lock mode stops other sessions from doing (see the Postgres docs, "Table-Level Locks"). */
export const LOCK_BLOCKS: Record<LockMode, LockBlocks> = {
  AccessShareLock: 'nothing',
  RowShareLock: 'nothing',
  RowExclusiveLock: 'nothing',
  ShareUpdateExclusiveLock: 'nothing',
  ShareLock: 'writes',
  ShareRowExclusiveLock: 'writes',
  ExclusiveLock: 'writes',
  AccessExclusiveLock: 'reads and writes',
};

/** A relation that existed before the migration: the ones whose locks matter to running traffic. */
export interface ExistingRelation {
  oid: number;
  name: string;
}

/**
 * Tables, partitioned tables, materialized views and foreign tables that exist now, outside the
 * system schemas and the schemas given (pgwarden's own).
 */
export async function existingRelations(client: pg.ClientBase, excludeSchemas: string[]): Promise<ExistingRelation[]> {
  const { rows } = await client.query<{ oid: string; name: string }>(
    `SELECT c.oid::pg_catalog.int8 AS oid, n.nspname || '.' || c.relname AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'f')
        AND n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema', 'pg_toast']::pg_catalog.name[])
        AND n.nspname !~ '^pg_(toast_)?temp_'
        AND n.nspname <> ALL ($1::pg_catalog.text[])`,
    [excludeSchemas],
  );
  return rows.map((r) => ({ oid: Number(r.oid), name: r.name }));
}

/** Locks held by this session, storage file and scan count of each existing relation, at one moment. */
export interface RelationSample {
  locks: Map<number, Set<LockMode>>;
  filenodes: Map<number, number>;
  scans: Map<number, number>;
}

/** The function {@link installSampler} creates: {@link sampleSql}'s query with a generic plan cached for the session (in the default mode it was planned again for about a third of the calls). */
export const SAMPLE_FUNCTION = `${CHANGE_LOG_SCHEMA}.lock_sample`;

/** The sample's two values, as `locks` and `files` (or `INTO` the variables of those names). */
function sampleQuery(oids: string, into = false): string {
  return `SELECT (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(l.relation::pg_catalog.int8, l.mode))
            FROM pg_catalog.pg_locks l
           WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.relation = ANY (${oids}))${into ? '' : ' AS locks'},
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(c.oid::pg_catalog.int8, c.relfilenode::pg_catalog.int8, pg_catalog.pg_stat_get_xact_numscans(c.oid)))
            FROM pg_catalog.pg_class c WHERE c.oid = ANY (${oids}))${into ? ' INTO locks, files' : ' AS files'}`;
}

/**
 * A query (no parameters, so that it can travel in one message with the statement it follows)
 * that samples the relations given: this backend's granted locks on them, their relfilenode, and
 * how many scans this transaction made of them so far. With `viaFunction`, it calls
 * {@link SAMPLE_FUNCTION} (planning the query every time costs about as much as running it).
 */
export function sampleSql(relations: ExistingRelation[], viaFunction = false): string {
  const oids = `'{${relations.map((r) => r.oid).join(',')}}'::pg_catalog.oid[]`;
  return viaFunction ? `SELECT locks, files FROM ${SAMPLE_FUNCTION}(${oids})` : sampleQuery(oids);
}

/**
 * Creates {@link SAMPLE_FUNCTION} next to the change log (whose schema must exist and be usable by
 * the roles migrations switch to). Returns false, changing nothing, when it cannot.
 */
export async function installSampler(client: pg.ClientBase): Promise<boolean> {
  try {
    await client.query(`CREATE FUNCTION ${SAMPLE_FUNCTION}(p_oids pg_catalog.oid[], OUT locks pg_catalog.json, OUT files pg_catalog.json)
LANGUAGE plpgsql SET search_path = pg_catalog SET plan_cache_mode = force_generic_plan AS $pgwarden_sample$
BEGIN
  ${sampleQuery('p_oids', true)};
END
$pgwarden_sample$`);
    return true;
  } catch {
    return false;
  }
}

/** Reads a row of {@link sampleSql}. */
export function parseSample(row: { locks: Array<[number, LockMode]> | null; files: Array<[number, number, number]> | null } | undefined): RelationSample {
  const sample: RelationSample = { locks: new Map(), filenodes: new Map(), scans: new Map() };
  for (const [oid, mode] of row?.locks ?? []) {
    let modes = sample.locks.get(oid);
    if (!modes) sample.locks.set(oid, (modes = new Set()));
    modes.add(mode);
  }
  for (const [oid, filenode, scans] of row?.files ?? []) {
    sample.filenodes.set(oid, filenode);
    sample.scans.set(oid, scans);
  }
  return sample;
}

/** The locks a statement acquired, the relations it scanned and the tables it rewrote, from the samples before and after it. */
export function compareSamples(relations: ExistingRelation[], before: RelationSample, after: RelationSample): { locks: LockTrace[]; scans: string[]; rewrites: string[] } {
  const locks: LockTrace[] = [];
  const scans: string[] = [];
  const rewrites: string[] = [];
  for (const relation of relations) {
    const held = before.locks.get(relation.oid) ?? new Set<LockMode>();
    const scanned = (after.scans.get(relation.oid) ?? 0) > (before.scans.get(relation.oid) ?? 0);
    if (scanned) scans.push(relation.name);
    for (const mode of after.locks.get(relation.oid) ?? []) {
      if (!held.has(mode)) locks.push({ relation: relation.name, mode, blocks: LOCK_BLOCKS[mode] ?? 'nothing', scanned });
    }
    const was = before.filenodes.get(relation.oid);
    const now = after.filenodes.get(relation.oid);
    // A relation dropped by the statement has no filenode afterwards: that is not a rewrite.
    if (was !== undefined && now !== undefined && was !== 0 && was !== now) rewrites.push(relation.name);
  }
  locks.sort((a, b) => (a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : LOCK_ORDER.indexOf(a.mode) - LOCK_ORDER.indexOf(b.mode)));
  scans.sort();
  return { locks, scans, rewrites };
}

const LOCK_ORDER: LockMode[] = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

/** Whether `a` is a stronger table lock mode than `b` (in the order of the Postgres docs' table). */
export function isStronger(a: LockMode, b: LockMode): boolean {
  return LOCK_ORDER.indexOf(a) > LOCK_ORDER.indexOf(b);
}

/** The lock modes verify flags on pre-existing tables: they stop writes, and ACCESS EXCLUSIVE reads too. */
export function isFlaggedMode(mode: LockMode): boolean {
  return mode === 'AccessExclusiveLock' || mode === 'ShareLock';
}

/** Modes that block writes: held during a scan, they stop the application for the scan's duration. */
export function blocksWrites(mode: LockMode): boolean {
  return LOCK_BLOCKS[mode] !== 'nothing';
}

/** `ACCESS EXCLUSIVE` for `AccessExclusiveLock`, as the docs and ALTER TABLE name them. */
export function lockModeName(mode: LockMode): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}
