import pg from 'pg';
import { CHANGE_LOG_SCHEMA, changeSetOf, changesColumns, changesCte, type ChangeColumns, type ChangeSet } from './change-log.js';
import { CATALOG_SETTINGS } from './session.js';
import { catalogParts, oidListsOf, type CatalogRows } from './snapshot.js';
import type { CatalogScope } from './scope.js';

/** The server-side function that reads what changed since a point of the change log, in one call. */
export const DELTA_FUNCTION = `${CHANGE_LOG_SCHEMA}.delta`;

/**
 * Which kinds of catalog rows a delta read. Relations, columns, constraints, indexes, triggers,
 * policies, sequences, functions, types and privileges are read for the objects that changed;
 * schemas and default privileges only when the log names them; the database and extensions never
 * (their changes make the caller read the whole catalog: see {@link ChangeSet.database}).
 */
export interface DeltaRead {
  schemas: boolean;
  defaults: boolean;
}

/** What one call of the delta function returns: the changes, and the catalog rows of what they resolve to. */
export interface Delta {
  changes: ChangeSet;
  /** Undefined when nothing changed. Kinds not read are empty lists. */
  rows: CatalogRows | undefined;
  read: DeltaRead;
}

// The variables of the function that stand for the parameters the catalog parts are written with.
const PARAMETERS: Record<string, string> = { $1: 'p_schemas', $2: 'p_exclude', $3: 'v_rels', $4: 'v_seqs', $5: 'v_funcs', $6: 'v_types' };
const LISTS: Record<string, string> = { $3: 'v_rels', $4: 'v_seqs', $5: 'v_funcs', $6: 'v_types' };
const cls = (name: string) => `'pg_catalog.${name}'::pg_catalog.regclass`;

/**
 * The delta function, `pgwarden_changes.delta(since, schemas, exclude)`: reads the change log after
 * `since`, resolves the objects (as {@link changesCte} does) and reads only the kinds of catalog
 * rows they need, each kind a statement of its own with a generic plan cached for the session,
 * all under the catalog settings. One call instead of a log read and a catalog read: it can ride at
 * the end of the message that ran a migration, so a snapshot after a step costs no round trip of
 * its own. Errors inside are returned (`{"error": ...}`), never raised, so that they cannot be
 * taken for the migration's.
 */
export function deltaFunctionSql(serverVersion: number): string {
  const parts = catalogParts(serverVersion, true);
  const anyList = Object.values(LISTS)
    .map((v) => `pg_catalog.cardinality(${v}) > 0`)
    .join(' OR ');
  const reads: string[] = [];
  const declared: string[] = [];
  const built: string[] = [];
  for (const [name, sql] of Object.entries(parts)) {
    // The database and extensions change only with a full read (fingerprint, extension events).
    if (name === 'database' || name === 'extensions') continue;
    const variable = `r_${name}`;
    declared.push(`${variable} pg_catalog.json := '[]'`);
    built.push(`'${name}', ${variable}`);
    const condition =
      name === 'schemas' ? 'v_ns' : name === 'defaults' ? 'v_defacl' : name === 'acl' ? `v_ns OR ${anyList}` : oidListsOf(sql).map((n) => `pg_catalog.cardinality(${LISTS[n]}) > 0`).join(' OR ') || 'true';
    const text = sql.replace(/\$([1-6])(?!\d)/g, (m) => PARAMETERS[m]!);
    // One statement per kind: a kind whose lists are empty is not even set up (measured: one
    // statement for all the kinds a changed table needs costs more than one per kind).
    reads.push(`  IF ${condition} THEN\n    SELECT COALESCE(pg_catalog.json_agg(q), '[]'::pg_catalog.json) INTO ${variable} FROM (${text}) q;\n  END IF;`);
  }
  // Plans are made once per session, while the schema is small, and used while it grows: lookups
  // of a few oids must use the catalogs' indexes whatever their size then (measured: -13% a call).
  // Only from PostgreSQL 18, which plans around disabled scans; before it, `enable_seqscan = off`
  // adds a huge cost to each seq scan, and the plans that result (nested loops over the scans no
  // index can replace) took seconds a call on PostgreSQL 15.
  const settings = Object.entries({ ...CATALOG_SETTINGS, quote_all_identifiers: 'off', lock_timeout: '0', ...(serverVersion >= 180000 ? { enable_seqscan: 'off' } : {}) })
    .map(([name, value]) => `SET ${name} = ${pg.escapeLiteral(value)}`)
    .join('\n');
  const s = CHANGE_LOG_SCHEMA;
  return `CREATE FUNCTION ${DELTA_FUNCTION}(p_since pg_catalog.int8, p_schemas pg_catalog.text[], p_exclude pg_catalog.text[]) RETURNS pg_catalog.json
LANGUAGE plpgsql SECURITY DEFINER
${settings}
AS $pgwarden_delta$
DECLARE
  v_last pg_catalog.int8; v_rows pg_catalog.json; v_sets pg_catalog.json; v_roles pg_catalog.text; v_database pg_catalog.text;
  v_rels pg_catalog.oid[]; v_seqs pg_catalog.oid[]; v_funcs pg_catalog.oid[]; v_types pg_catalog.oid[];
  v_ns boolean; v_defacl boolean;
  ${declared.join(';\n  ')};
BEGIN
  WITH ${changesCte('p_since')}
  SELECT ${changesColumns('p_since')},
         co.relations, co.sequences, co.functions, co.types,
         EXISTS (SELECT 1 FROM ch WHERE ch.classid = ${cls('pg_namespace')} OR ch.tag IN ('CREATE SCHEMA', 'ALTER SCHEMA', 'DROP SCHEMA')),
         -- ALTER DEFAULT PRIVILEGES logs no object.
         EXISTS (SELECT 1 FROM ch WHERE ch.classid = ${cls('pg_default_acl')} OR ch.tag = 'ALTER DEFAULT PRIVILEGES')
    INTO v_last, v_rows, v_sets, v_roles, v_database, v_rels, v_seqs, v_funcs, v_types, v_ns, v_defacl
    FROM changed_objects co;
  IF v_rows IS NOT NULL THEN
${reads.join('\n')}
  END IF;
  RETURN pg_catalog.json_build_object('change_last', v_last, 'change_rows', v_rows, 'change_sets', v_sets, 'change_roles', v_roles, 'change_database', v_database,
    'schemas_read', v_ns, 'defaults_read', v_defacl,
    'rows', CASE WHEN v_rows IS NOT NULL THEN pg_catalog.json_build_object(${built.join(', ')}) END);
EXCEPTION WHEN OTHERS THEN
  RETURN pg_catalog.json_build_object('error', SQLERRM);
END
$pgwarden_delta$;
-- Any role a migration switches to may call it (it runs as its owner).
GRANT USAGE ON SCHEMA ${s} TO PUBLIC`;
}

/** Installs the delta function next to the change log (by the superuser that installed the log). */
export async function installDelta(client: pg.ClientBase, serverVersion: number): Promise<void> {
  await client.query(deltaFunctionSql(serverVersion));
}

/** A statement calling the delta function, with literal arguments, to append to a simple-query message. */
export function deltaCallSql(since: number, scope: CatalogScope): string {
  const array = (values: string[]) => `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::pg_catalog.text[]`;
  return `SELECT ${DELTA_FUNCTION}(${Math.trunc(since)}::pg_catalog.int8, ${scope.schemas ? array(scope.schemas) : 'NULL::pg_catalog.text[]'}, ${array(scope.excludeSchemas ?? [])}) AS pgwarden_delta`;
}

/** Whether an error came from a delta call rather than from the statements before it in a message. */
export function isDeltaError(error: unknown): boolean {
  const e = error as { message?: string; where?: string };
  return /pgwarden_changes\.delta|schema "?pgwarden_changes\b/.test(`${e.message ?? ''}\n${e.where ?? ''}`);
}

interface DeltaValue extends ChangeColumns {
  error?: string;
  schemas_read: boolean | null;
  defaults_read: boolean | null;
  rows: Omit<CatalogRows, 'database' | 'extensions'> | null;
}

/** Reads a delta function's value; undefined when the function reported an error. */
export function parseDelta(value: unknown): Delta | undefined {
  const v = value as DeltaValue | null;
  if (!v || typeof v !== 'object' || v.error !== undefined) return undefined;
  return {
    changes: changeSetOf(v),
    rows: v.rows ? { database: [], extensions: [], ...v.rows } : undefined,
    read: { schemas: v.schemas_read === true, defaults: v.defaults_read === true },
  };
}

/** Calls the delta function on `client` (a round trip of its own). */
export async function readDelta(client: pg.ClientBase, since: number, scope: CatalogScope): Promise<Delta | undefined> {
  const { rows } = await client.query<{ pgwarden_delta: unknown }>({
    name: 'pgwarden_delta_read',
    text: `SELECT ${DELTA_FUNCTION}($1::pg_catalog.int8, $2::pg_catalog.text[], $3::pg_catalog.text[]) AS pgwarden_delta`,
    values: [since, scope.schemas ?? null, scope.excludeSchemas ?? []],
  });
  return parseDelta(rows[0]?.pgwarden_delta);
}
