import type pg from 'pg';
import { CHANGE_LOG_SCHEMA } from '../catalog/change-log.js';
import type { NamedRelation, RelationKind } from '../catalog/types.js';
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
export type ExistingRelation = NamedRelation;

const KIND_OF_RELKIND: Record<string, RelationKind> = { r: 'table', p: 'table', f: 'table', m: 'materialized view', v: 'view', S: 'sequence', i: 'index', I: 'index' };

/**
 * Tables (partitioned and foreign too), views, materialized views, sequences and indexes that
 * exist now, outside the system schemas and the schemas given (pgwarden's own).
 */
export async function existingRelations(client: pg.ClientBase, excludeSchemas: string[]): Promise<ExistingRelation[]> {
  const { rows } = await client.query<{ oid: string; name: string; relkind: string; table_name: string | null }>(
    `SELECT c.oid::pg_catalog.int8 AS oid, n.nspname || '.' || c.relname AS name, c.relkind::pg_catalog.text AS relkind,
            tn.nspname || '.' || t.relname AS table_name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
       LEFT JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
       LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'f', 'v', 'S', 'i', 'I')
        AND n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema', 'pg_toast']::pg_catalog.name[])
        AND n.nspname !~ '^pg_(toast_)?temp_'
        AND n.nspname <> ALL ($1::pg_catalog.text[])`,
    [excludeSchemas],
  );
  return rows.map((r) => {
    const kind = KIND_OF_RELKIND[r.relkind]!;
    return kind === 'index' && r.table_name !== null ? { oid: Number(r.oid), name: r.name, kind, table: r.table_name } : { oid: Number(r.oid), name: r.name, kind };
  });
}

/** Kinds whose scans and storage verify follows: a whole scan or rewrite of one takes as long as its data. */
function hasData(relation: ExistingRelation): boolean {
  return relation.kind === 'table' || relation.kind === 'materialized view';
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
function sampleQuery(oids: string, fileOids: string, into = false): string {
  return `SELECT (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(l.relation::pg_catalog.int8, l.mode))
            FROM pg_catalog.pg_locks l
           WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.relation = ANY (${oids}))${into ? '' : ' AS locks'},
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(c.oid::pg_catalog.int8, c.relfilenode::pg_catalog.int8, pg_catalog.pg_stat_get_xact_numscans(c.oid)))
            FROM pg_catalog.pg_class c WHERE c.oid = ANY (${fileOids}))${into ? ' INTO locks, files' : ' AS files'}`;
}

/** Kinds whose storage file (and scans) a sample reads: a view has none, and a sequence's new file or nextval is no finding. */
function hasStorageOfInterest(relation: ExistingRelation): boolean {
  return relation.kind === 'table' || relation.kind === 'materialized view' || relation.kind === 'index';
}

/**
 * A query (no parameters, so that it can travel in one message with the statement it follows)
 * that samples the relations given: this backend's granted locks on them, their relfilenode, and
 * how many scans this transaction made of them so far. With `viaFunction`, it calls
 * {@link SAMPLE_FUNCTION} (planning the query every time costs about as much as running it).
 */
export function sampleSql(relations: ExistingRelation[], viaFunction = false): string {
  const array = (list: ExistingRelation[]) => `'{${list.map((r) => r.oid).join(',')}}'::pg_catalog.oid[]`;
  const oids = array(relations);
  // Locks on every relation; storage files and scans only where a change of them can be a finding.
  const fileOids = array(relations.filter(hasStorageOfInterest));
  return viaFunction ? `SELECT locks, files FROM ${SAMPLE_FUNCTION}(${oids}, ${fileOids})` : sampleQuery(oids, fileOids);
}

/**
 * Creates {@link SAMPLE_FUNCTION} next to the change log (whose schema must exist and be usable by
 * the roles migrations switch to). Returns false, changing nothing, when it cannot.
 */
export async function installSampler(client: pg.ClientBase): Promise<boolean> {
  try {
    await client.query(`CREATE FUNCTION ${SAMPLE_FUNCTION}(p_oids pg_catalog.oid[], p_file_oids pg_catalog.oid[], OUT locks pg_catalog.json, OUT files pg_catalog.json)
LANGUAGE plpgsql SET search_path = pg_catalog SET plan_cache_mode = force_generic_plan AS $pgwarden_sample$
BEGIN
  ${sampleQuery('p_oids', 'p_file_oids', true)};
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

/**
 * The locks a statement acquired, the tables and materialized views it scanned, and what it
 * rewrote, from the samples before and after it. Locks are in order of the table they affect (an
 * index's lock right after its table's), then relation, then mode.
 */
export function compareSamples(relations: ExistingRelation[], before: RelationSample, after: RelationSample): { locks: LockTrace[]; scans: string[]; rewrites: string[] } {
  const locks: LockTrace[] = [];
  const scans: string[] = [];
  const rewrites: string[] = [];
  const newFile = (relation: ExistingRelation) => {
    const was = before.filenodes.get(relation.oid);
    const now = after.filenodes.get(relation.oid);
    // A relation dropped by the statement has no filenode afterwards: that is not a rewrite.
    return was !== undefined && now !== undefined && was !== 0 && was !== now;
  };
  const rewrittenIndexes: ExistingRelation[] = [];
  for (const relation of relations) {
    const held = before.locks.get(relation.oid) ?? new Set<LockMode>();
    // An index scan or a sequence's nextval counts as a scan too, but those are lookups, not a pass over the data.
    const scanned = hasData(relation) && (after.scans.get(relation.oid) ?? 0) > (before.scans.get(relation.oid) ?? 0);
    if (scanned) scans.push(relation.name);
    for (const mode of after.locks.get(relation.oid) ?? []) {
      if (!held.has(mode)) locks.push({ relation: relation.name, kind: relation.kind, ...(relation.table !== undefined ? { table: relation.table } : {}), mode, blocks: LOCK_BLOCKS[mode] ?? 'nothing', scanned });
    }
    if (!newFile(relation)) continue;
    if (hasData(relation)) rewrites.push(relation.name);
    // A sequence reset gets a new file: one row, no finding.
    else if (relation.kind === 'index') rewrittenIndexes.push(relation);
  }
  // An index rebuilt on its own (REINDEX, ALTER INDEX ... SET TABLESPACE); one rebuilt with its table is the table's rewrite.
  for (const index of rewrittenIndexes) if (!rewrites.includes(index.table ?? '')) rewrites.push(index.name);
  locks.sort(compareLocks);
  scans.sort();
  return { locks, scans, rewrites };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLocks(a: LockTrace, b: LockTrace): number {
  return compareText(a.table ?? a.relation, b.table ?? b.relation) || Number(a.kind === 'index') - Number(b.kind === 'index') || compareText(a.relation, b.relation) || LOCK_ORDER.indexOf(a.mode) - LOCK_ORDER.indexOf(b.mode);
}

/** `public.accounts`, `view public.v`, `index public.accounts_email of public.accounts`: how the trace and the findings name a relation. */
export function relationLabel(relation: { relation: string; kind: RelationKind; table?: string | undefined }): string {
  if (relation.kind === 'table') return relation.relation;
  return `${relation.kind} ${relation.relation}${relation.table !== undefined ? ` of ${relation.table}` : ''}`;
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
