import pg from 'pg';
import { CHANGE_LOG_SCHEMA, changeSetOf, changesColumns, changesCte, type ChangeColumns, type ChangeSet } from './change-log.js';
import { CATALOG_SETTINGS } from './session.js';
import { aclObjectsQuery } from './privileges.js';
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
  /**
   * For each part of a relation read by oid, the relations whose rows of it were read: those whose
   * rows of that part may have changed. The others' rows of it are as the last read left them.
   */
  parts: Record<RelationPart, number[]>;
}

/** The parts of a relation's catalog rows that a delta reads only when they may have changed (its `relations` row is always read). */
export const RELATION_PARTS = ['columns', 'constraints', 'indexes', 'triggers', 'policies', 'sequences', 'acl'] as const;
export type RelationPart = (typeof RELATION_PARTS)[number];

// The variables of the function that stand for the parameters the catalog parts are written with.
const PARAMETERS: Record<string, string> = { $1: 'p_schemas', $2: 'p_exclude', $3: 'v_rels', $4: 'v_seqs', $5: 'v_funcs', $6: 'v_types' };
const LISTS: Record<string, string> = { $3: 'v_rels', $4: 'v_seqs', $5: 'v_funcs', $6: 'v_types' };
const cls = (name: string) => `'pg_catalog.${name}'::pg_catalog.regclass`;

/** Whether a catalog row (alias `a`) was written since the last read: its xmin is at most `v_age` transactions old. */
const written = (a: string) => `pg_catalog.age(${a}.xmin) <= v_age`;

/**
 * For each part of a relation, the relations (of `v_rels`) whose rows of it may have changed: a
 * catalog row of it written since the last read, or a logged change that names that part (a hint:
 * see `changesCte`), for what xmin cannot show (a dropped index, a comment removed).
 */
const CHANGED: Record<'class' | 'attributes' | 'owned' | 'constraints' | 'indexes' | 'triggers' | 'policies', string> = {
  class: `SELECT c.oid FROM pg_catalog.pg_class c WHERE c.oid = ANY (v_rels) AND ${written('c')}`,
  attributes: `SELECT a.attrelid FROM pg_catalog.pg_attribute a WHERE a.attrelid = ANY (v_rels) AND a.attnum > 0 AND ${written('a')}
         UNION SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad WHERE ad.adrelid = ANY (v_rels) AND ${written('ad')}`,
  // Sequences a relation owns (or its identity columns'): their options print in its columns too.
  owned: `SELECT sd.refobjid FROM pg_catalog.pg_depend sd
           JOIN pg_catalog.pg_class sc ON sc.oid = sd.objid JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = sd.objid
          WHERE sd.refclassid = ${cls('pg_class')} AND sd.refobjid = ANY (v_rels) AND sd.classid = ${cls('pg_class')} AND sd.deptype IN ('a', 'i')
            AND (${written('sd')} OR ${written('sc')} OR ${written('sq')})`,
  constraints: `SELECT co.conrelid FROM pg_catalog.pg_constraint co WHERE co.conrelid = ANY (v_rels) AND ${written('co')}`,
  indexes: `SELECT i.indrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = ANY (v_rels) AND (${written('i')} OR ${written('ic')})`,
  triggers: `SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = ANY (v_rels) AND ${written('t')}`,
  policies: `SELECT po.polrelid FROM pg_catalog.pg_policy po WHERE po.polrelid = ANY (v_rels) AND ${written('po')}`,
};

/** Each part's relations: which of {@link CHANGED} and which hints (kinds of objects a logged change names) make it read. */
const PART_SOURCES: Record<RelationPart, { changed: Array<keyof typeof CHANGED>; hints: string[] }> = {
  columns: { changed: ['attributes', 'owned'], hints: ['table column', 'default value', 'sequence'] },
  constraints: { changed: ['constraints'], hints: ['table constraint'] },
  indexes: { changed: ['indexes'], hints: ['index'] },
  triggers: { changed: ['triggers'], hints: ['trigger'] },
  policies: { changed: ['policies'], hints: ['policy'] },
  sequences: { changed: ['owned'], hints: ['sequence'] },
  // Owners and ACLs of the relation, its columns and its sequences.
  acl: { changed: ['class', 'attributes', 'owned'], hints: ['table column', 'sequence'] },
};

/**
 * The delta function, `pgwarden_changes.delta(since, since_xid, schemas, exclude)`: reads the
 * change log after `since`, resolves the objects (as {@link changesCte} does) and reads only the
 * kinds of catalog rows they need, each kind a statement of its own with a generic plan cached for
 * the session, all under the catalog settings. Of a relation that changed, it reads again only
 * the parts whose catalog rows were written after `since_xid` (the `nextXid` of the last read) or
 * that a logged change names: an index created on a table reads its indexes, not its columns.
 * One call instead of a log read and a catalog read: it can ride at the end of the message that
 * ran a migration, so a snapshot after a step costs no round trip of its own. Errors inside are
 * returned (`{"error": ...}`), never raised, so that they cannot be taken for the migration's.
 */
export function deltaFunctionSql(serverVersion: number): string {
  const parts = catalogParts(serverVersion, true);
  const anyList = Object.values(LISTS)
    .map((v) => `pg_catalog.cardinality(${v}) > 0`)
    .join(' OR ');
  const reads: string[] = [];
  const declared: string[] = [];
  const built: string[] = [];
  // A catalog part's text with the function's variables for its parameters ($3: `relations`).
  const substitute = (sql: string, relations: string) => sql.replace(/\$([1-6])(?!\d)/g, (m) => (m === '$3' ? relations : PARAMETERS[m]!));
  // One statement per kind: a kind whose lists are empty is not even set up (measured: one
  // statement for all the kinds a changed table needs costs more than one per kind).
  const into = (name: string, sql: string, relations: string) => `SELECT COALESCE(pg_catalog.json_agg(q), '[]'::pg_catalog.json) INTO r_${name} FROM (${substitute(sql, relations)}) q;`;
  const read = (name: string, condition: string, sql: string, relations: string) => `IF ${condition} THEN\n    ${into(name, sql, relations)}\n  END IF;`;
  const listCondition = (sql: string, relations: string) =>
    oidListsOf(sql)
      .map((n) => `pg_catalog.cardinality(${n === '$3' ? relations : LISTS[n]}) > 0`)
      .join(' OR ') || 'true';
  for (const [name, sql] of Object.entries(parts)) {
    // The database and extensions change only with a full read (fingerprint, extension events).
    if (name === 'database' || name === 'extensions') continue;
    declared.push(`r_${name} pg_catalog.json := '[]'`);
    built.push(`'${name}', r_${name}`);
    if (name === 'schemas') reads.push(read(name, 'v_ns', sql, 'v_rels'));
    else if (name === 'defaults') reads.push(read(name, 'v_defacl', sql, 'v_rels'));
    else if (name === 'acl') {
      // The database's and schemas' privileges only with the schemas (the caller keeps its own otherwise).
      const anyAcl = anyList.replace('cardinality(v_rels)', 'cardinality(v_rels_acl)');
      reads.push(`IF v_ns THEN\n    ${into(name, sql, 'v_rels_acl')}\n  ELSIF ${anyAcl} THEN\n    ${into(name, aclObjectsQuery(true, false), 'v_rels_acl')}\n  END IF;`);
    } else {
      const relations = (RELATION_PARTS as readonly string[]).includes(name) ? `v_rels_${name}` : 'v_rels';
      reads.push(read(name, listCondition(sql, relations), sql, relations));
    }
  }
  // One statement for every part's list: each kind of changed row is looked up once (a CTE used
  // by several parts), and the hints are split once (measured: one statement instead of eight).
  const partLists = `WITH ${Object.entries(CHANGED)
    .map(([name, q]) => `changed_${name} AS (${q})`)
    .join(',\n        ')},
        hinted AS (SELECT pg_catalog.split_part(h, ':', 1) AS kind, pg_catalog.split_part(h, ':', 2)::pg_catalog.oid AS oid FROM pg_catalog.unnest(v_hints) h)
      SELECT ${RELATION_PARTS.map((part) => {
        const { changed, hints } = PART_SOURCES[part];
        return `ARRAY(${[...changed.map((c) => `SELECT * FROM changed_${c}`), `SELECT oid FROM hinted WHERE kind IN (${hints.map((h) => `'${h}'`).join(', ')})`].join(' UNION ')})`;
      }).join(',\n             ')}
        INTO ${RELATION_PARTS.map((p) => `v_rels_${p}`).join(', ')};`;
  // Plans are made once per session, while the schema is small, and used while it grows: lookups
  // of a few oids must use the catalogs' indexes whatever their size then (measured: -13% a call).
  // Only from PostgreSQL 18, which plans around disabled scans; before it, `enable_seqscan = off`
  // adds a huge cost to each seq scan, and the plans that result (nested loops over the scans no
  // index can replace) took seconds a call on PostgreSQL 15.
  const settings = Object.entries({ ...CATALOG_SETTINGS, quote_all_identifiers: 'off', lock_timeout: '0', ...(serverVersion >= 180000 ? { enable_seqscan: 'off' } : {}) })
    .map(([name, value]) => `SET ${name} = ${pg.escapeLiteral(value)}`)
    .join('\n');
  const s = CHANGE_LOG_SCHEMA;
  return `CREATE FUNCTION ${DELTA_FUNCTION}(p_since pg_catalog.int8, p_since_xid pg_catalog.text, p_schemas pg_catalog.text[], p_exclude pg_catalog.text[]) RETURNS pg_catalog.json
LANGUAGE plpgsql SECURITY DEFINER
${settings}
AS $pgwarden_delta$
DECLARE
  v_last pg_catalog.int8; v_rows pg_catalog.json; v_sets pg_catalog.json; v_roles pg_catalog.text; v_database pg_catalog.text; v_next_xid pg_catalog.text;
  v_rels pg_catalog.oid[]; v_seqs pg_catalog.oid[]; v_funcs pg_catalog.oid[]; v_types pg_catalog.oid[]; v_hints pg_catalog.text[];
  v_ns boolean; v_defacl boolean; v_age pg_catalog.int4;
  ${RELATION_PARTS.map((p) => `v_rels_${p} pg_catalog.oid[] := '{}'`).join(';\n  ')};
  ${declared.join(';\n  ')};
BEGIN
  WITH ${changesCte('p_since')}
  SELECT ${changesColumns('p_since')},
         co.relations, co.sequences, co.functions, co.types, co.hints,
         EXISTS (SELECT 1 FROM ch WHERE ch.classid = ${cls('pg_namespace')} OR ch.tag IN ('CREATE SCHEMA', 'ALTER SCHEMA', 'DROP SCHEMA')),
         -- ALTER DEFAULT PRIVILEGES logs no object.
         EXISTS (SELECT 1 FROM ch WHERE ch.classid = ${cls('pg_default_acl')} OR ch.tag = 'ALTER DEFAULT PRIVILEGES')
    INTO v_last, v_rows, v_sets, v_next_xid, v_roles, v_database, v_rels, v_seqs, v_funcs, v_types, v_hints, v_ns, v_defacl
    FROM changed_objects co;
  IF v_rows IS NOT NULL THEN
    IF pg_catalog.cardinality(v_rels) > 0 THEN
      -- How old (in transactions) a catalog row written since the last read can be; without that
      -- point, any age: every part is read.
      v_age := CASE WHEN p_since_xid IS NULL OR p_since_xid = '' THEN 2147483647 ELSE pg_catalog.age(pg_catalog.xid(p_since_xid::pg_catalog.xid8)) END;
      ${partLists}
    END IF;
  ${reads.join('\n  ')}
  END IF;
  RETURN pg_catalog.json_build_object('change_last', v_last, 'change_rows', v_rows, 'change_sets', v_sets, 'change_roles', v_roles, 'change_database', v_database,
    'change_next_xid', v_next_xid, 'schemas_read', v_ns, 'defaults_read', v_defacl,
    'parts', pg_catalog.json_build_object(${RELATION_PARTS.map((p) => `'${p}', v_rels_${p}`).join(', ')}),
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
export function deltaCallSql(since: number, sinceXid: string, scope: CatalogScope): string {
  const array = (values: string[]) => `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::pg_catalog.text[]`;
  return `SELECT ${DELTA_FUNCTION}(${Math.trunc(since)}::pg_catalog.int8, ${pg.escapeLiteral(sinceXid)}, ${scope.schemas ? array(scope.schemas) : 'NULL::pg_catalog.text[]'}, ${array(scope.excludeSchemas ?? [])}) AS pgwarden_delta`;
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
  parts: Record<RelationPart, Array<number | string>> | null;
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
    parts: Object.fromEntries(RELATION_PARTS.map((p) => [p, (v.parts?.[p] ?? []).map(Number)])) as Record<RelationPart, number[]>,
  };
}

/** Calls the delta function on `client` (a round trip of its own). */
export async function readDelta(client: pg.ClientBase, since: number, sinceXid: string, scope: CatalogScope): Promise<Delta | undefined> {
  const { rows } = await client.query<{ pgwarden_delta: unknown }>({
    name: 'pgwarden_delta_read',
    text: `SELECT ${DELTA_FUNCTION}($1::pg_catalog.int8, $2::pg_catalog.text, $3::pg_catalog.text[], $4::pg_catalog.text[]) AS pgwarden_delta`,
    values: [since, sinceXid, scope.schemas ?? null, scope.excludeSchemas ?? []],
  });
  return parseDelta(rows[0]?.pgwarden_delta);
}
