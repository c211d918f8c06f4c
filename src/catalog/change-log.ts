import type pg from 'pg';

/** The schema of the change log: pgwarden's own, left out of snapshots and lock traces. */
export const CHANGE_LOG_SCHEMA = 'pgwarden_changes';

/**
 * Installs event triggers that log every object each DDL command creates, alters or drops, so an
 * incremental snapshot re-reads only those. For throwaway databases only: it adds a schema and two
 * event triggers (which need a superuser). Returns false, changing nothing, when the user may not
 * create event triggers.
 */
export async function installChangeLog(client: pg.ClientBase): Promise<boolean> {
  const s = CHANGE_LOG_SCHEMA;
  try {
    await client.query(`BEGIN;
CREATE SCHEMA ${s};
CREATE TABLE ${s}.log (id bigserial PRIMARY KEY, dropped boolean NOT NULL, tag text, classid oid, objid oid, objsubid integer, object_type text, names text[]);
-- SECURITY DEFINER: a migration that switches to a role of its own still gets its changes logged.
-- Which table each index belongs to: once an index is dropped, the catalogs no longer say.
CREATE TABLE ${s}.index_table (index oid PRIMARY KEY, tbl oid NOT NULL);
CREATE FUNCTION ${s}.on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  INSERT INTO ${s}.log (dropped, tag, classid, objid, objsubid, object_type)
  SELECT false, command_tag, classid, objid, objsubid, object_type FROM pg_catalog.pg_event_trigger_ddl_commands();
  INSERT INTO ${s}.index_table (index, tbl)
  SELECT i.indexrelid, i.indrelid FROM pg_catalog.pg_event_trigger_ddl_commands() c JOIN pg_catalog.pg_index i ON i.indexrelid = c.objid
   WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
  ON CONFLICT (index) DO UPDATE SET tbl = EXCLUDED.tbl;
END $$;
CREATE FUNCTION ${s}.on_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  INSERT INTO ${s}.log (dropped, tag, classid, objid, objsubid, object_type, names)
  SELECT true, tg_tag, classid, objid, objsubid, object_type, address_names FROM pg_catalog.pg_event_trigger_dropped_objects();
  -- A dropped index, constraint, trigger, policy, rule, default or column changes its table (or domain), which stays: log that,
  -- with the kind of what was dropped ('parent:index'), so that only that part of the table is read again.
  INSERT INTO ${s}.log (dropped, tag, classid, objid, objsubid, object_type)
  SELECT false, tg_tag, p.classid, p.objid, 0, 'parent:' || p.dropped_type FROM (
    SELECT 'pg_catalog.pg_class'::pg_catalog.regclass AS classid, it.tbl AS objid, d.object_type AS dropped_type
      FROM pg_catalog.pg_event_trigger_dropped_objects() d JOIN ${s}.index_table it ON it.index = d.objid
     WHERE d.object_type = 'index'
    UNION
    SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, pg_catalog.to_regclass(pg_catalog.quote_ident(d.address_names[1]) || '.' || pg_catalog.quote_ident(d.address_names[2]))::pg_catalog.oid, d.object_type
      FROM pg_catalog.pg_event_trigger_dropped_objects() d
     WHERE d.object_type IN ('table constraint', 'trigger', 'policy', 'rule', 'default value', 'table column') AND pg_catalog.array_length(d.address_names, 1) >= 2
    UNION
    SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, pg_catalog.to_regtype(pg_catalog.quote_ident(d.address_names[1]) || '.' || pg_catalog.quote_ident(d.address_names[2]))::pg_catalog.oid, d.object_type
      FROM pg_catalog.pg_event_trigger_dropped_objects() d
     WHERE d.object_type = 'domain constraint' AND pg_catalog.array_length(d.address_names, 1) >= 2) p
   WHERE p.objid IS NOT NULL;
END $$;
CREATE EVENT TRIGGER pgwarden_changes_ddl ON ddl_command_end EXECUTE FUNCTION ${s}.on_ddl();
CREATE EVENT TRIGGER pgwarden_changes_drop ON sql_drop EXECUTE FUNCTION ${s}.on_drop();
-- Also under session_replication_role = replica, which a migration may set.
ALTER EVENT TRIGGER pgwarden_changes_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER pgwarden_changes_drop ENABLE ALWAYS;
COMMIT`);
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    if ((error as { code?: string }).code === '42501') return false;
    throw error;
  }
}

/** One logged change. */
export interface LoggedChange {
  dropped: boolean;
  tag: string | null;
  /** The catalog, e.g. `pg_class` (null for GRANT and REVOKE, which log no object). */
  catalog: string | null;
  objid: number | null;
  objsubid: number | null;
  objectType: string | null;
  /** For dropped objects: their address names (e.g. schema, table, constraint). */
  names: string[] | null;
}

/** What changed since an earlier read of the log: the raw changes and the objects they resolve to. */
export interface ChangeSet {
  last: number;
  changes: LoggedChange[];
  /** Relations (tables, views, composite types' relations) to re-read, with inheritance children. */
  relations: number[];
  sequences: number[];
  functions: number[];
  types: number[];
  /** A fingerprint of role names (owners and grantees print them). */
  roles: string;
  /** A fingerprint of the current database's owner, ACL and comment (no event covers them). */
  database: string;
  /** The first transaction id after this read (an xid8, as text): catalog rows written later have an xmin from it on. */
  nextXid: string;
}

const cls = (name: string) => `'pg_catalog.${name}'::pg_catalog.regclass`;

/**
 * CTEs over the changes logged after `since` (an SQL expression), ending in `changed_objects`
 * (relations, sequences, functions, types: oid arrays): the objects still there resolved to what a
 * snapshot holds: an index to its table, a constraint, trigger, policy, default or rule to its
 * relation, an array or row type to its element or relation, a partitioned table to its partitions
 * too, and sequences to the tables they belong to (and back).
 */
export function changesCte(since: string): string {
  const s = CHANGE_LOG_SCHEMA;
  // resolved is MATERIALIZED: inlined, its CASE (seven subplans) was set up and run three times
  // a row, once for each use of `ref` (measured: 0.55 -> 0.47 ms a read).
  return `ch AS (SELECT * FROM ${s}.log WHERE id > ${since}),
  resolved AS MATERIALIZED (
    SELECT CASE ch.classid
      WHEN ${cls('pg_class')} THEN (SELECT CASE WHEN c.relkind IN ('i', 'I') THEN 'r' || ix.indrelid WHEN c.relkind = 'S' THEN 's' || c.oid WHEN c.relkind = 'c' THEN 't' || c.reltype ELSE 'r' || c.oid END
                                       FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_index ix ON ix.indexrelid = c.oid WHERE c.oid = ch.objid)
      WHEN ${cls('pg_attrdef')} THEN (SELECT 'r' || ad.adrelid FROM pg_catalog.pg_attrdef ad WHERE ad.oid = ch.objid)
      WHEN ${cls('pg_constraint')} THEN (SELECT CASE WHEN co.conrelid <> 0 THEN 'r' || co.conrelid ELSE 't' || co.contypid END FROM pg_catalog.pg_constraint co WHERE co.oid = ch.objid)
      WHEN ${cls('pg_trigger')} THEN (SELECT 'r' || tg.tgrelid FROM pg_catalog.pg_trigger tg WHERE tg.oid = ch.objid)
      WHEN ${cls('pg_policy')} THEN (SELECT 'r' || po.polrelid FROM pg_catalog.pg_policy po WHERE po.oid = ch.objid)
      WHEN ${cls('pg_rewrite')} THEN (SELECT 'r' || rw.ev_class FROM pg_catalog.pg_rewrite rw WHERE rw.oid = ch.objid)
      WHEN ${cls('pg_type')} THEN (SELECT CASE WHEN elem.oid IS NOT NULL THEN 't' || elem.oid WHEN rel.relkind IS NOT NULL AND rel.relkind <> 'c' THEN 'r' || rel.oid ELSE 't' || ty.oid END
                                      FROM pg_catalog.pg_type ty
                                      LEFT JOIN pg_catalog.pg_type elem ON elem.typarray = ty.oid
                                      LEFT JOIN pg_catalog.pg_class rel ON rel.oid = ty.typrelid
                                     WHERE ty.oid = ch.objid)
      WHEN ${cls('pg_proc')} THEN 'p' || ch.objid
    END AS ref,
    -- The part of a relation the change names, when it names one (see PART_SOURCES in delta.ts); a change of the
    -- relation itself names none: the delta finds its parts by the catalog rows that changed.
    CASE WHEN ch.object_type LIKE 'parent:%' THEN pg_catalog.substr(ch.object_type, 8)
         WHEN ch.classid = ${cls('pg_class')} AND ch.object_type IN ('index', 'index column') THEN 'index'
         WHEN ch.classid = ${cls('pg_class')} AND ch.objsubid > 0 THEN 'table column'
         WHEN ch.classid = ${cls('pg_attrdef')} THEN 'default value'
         WHEN ch.classid = ${cls('pg_constraint')} THEN 'table constraint'
         WHEN ch.classid = ${cls('pg_trigger')} THEN 'trigger'
         WHEN ch.classid = ${cls('pg_policy')} THEN 'policy'
    END AS hint
    FROM ch WHERE NOT ch.dropped),
  refs AS (SELECT pg_catalog.left(ref, 1) AS kind, pg_catalog.substr(ref, 2)::pg_catalog.oid AS oid, hint FROM resolved WHERE ref IS NOT NULL),
  seq_tables AS (SELECT d.refobjid AS oid FROM pg_catalog.pg_depend d JOIN refs ON refs.kind = 's' AND d.objid = refs.oid
                  WHERE d.classid = ${cls('pg_class')} AND d.refclassid = ${cls('pg_class')} AND d.deptype IN ('a', 'i')),
  rels AS (
    WITH RECURSIVE tree(oid) AS (
      SELECT oid FROM refs WHERE kind = 'r' UNION SELECT oid FROM seq_tables
      UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree ON i.inhparent = tree.oid)
    SELECT oid FROM tree),
  changed_objects AS (
    SELECT ARRAY(SELECT oid FROM rels UNION SELECT ty.typrelid FROM pg_catalog.pg_type ty JOIN refs ON refs.kind = 't' AND ty.oid = refs.oid WHERE ty.typrelid <> 0) AS relations,
           ARRAY(SELECT oid FROM refs WHERE kind = 's') AS sequences,
           ARRAY(SELECT oid FROM refs WHERE kind = 'p') AS functions,
           ARRAY(SELECT oid FROM refs WHERE kind = 't') AS types,
           ARRAY(SELECT hint || ':' || oid FROM refs WHERE kind = 'r' AND hint IS NOT NULL UNION SELECT 'sequence:' || oid FROM seq_tables) AS hints)`;
}

/** Select-list items describing the changes of {@link changesCte}, and fingerprints of what no event covers. */
export function changesColumns(since: string): string {
  const s = CHANGE_LOG_SCHEMA;
  return `(SELECT COALESCE(pg_catalog.max(id), ${since}) FROM ${s}.log) AS change_last,
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(ch.dropped, ch.tag, ch.classid::pg_catalog.regclass::pg_catalog.text, ch.objid::pg_catalog.int8, ch.objsubid, ch.object_type, ch.names) ORDER BY ch.id) FROM ch) AS change_rows,
       (SELECT pg_catalog.json_build_array(co.relations, co.sequences, co.functions, co.types) FROM changed_objects co) AS change_sets,
       -- Every transaction from here on has a later xid: catalog rows with such an xmin changed after this read.
       pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::pg_catalog.text AS change_next_xid,
       (SELECT pg_catalog.md5(pg_catalog.string_agg(r.oid || ':' || r.rolname, ',' ORDER BY r.oid)) FROM pg_catalog.pg_roles r) AS change_roles,
       (SELECT pg_catalog.md5(pg_catalog.concat_ws('|', db.datdba, db.datacl::pg_catalog.text, d.description))
          FROM pg_catalog.pg_database db
          LEFT JOIN pg_catalog.pg_shdescription d ON d.objoid = db.oid AND d.classoid = ${cls('pg_database')}
         WHERE db.datname = pg_catalog.current_database()) AS change_database`;
}

/** The columns of {@link changesColumns}, as a row gives them. */
export interface ChangeColumns {
  change_last: string | number;
  change_rows: Array<[boolean, string | null, string | null, number | null, number | null, string | null, string[] | null]> | null;
  change_sets: [Array<number | string>, Array<number | string>, Array<number | string>, Array<number | string>];
  change_roles: string | null;
  change_database: string | null;
  change_next_xid: string | null;
}

/** A {@link ChangeSet} from a row with {@link changesColumns}. */
export function changeSetOf(row: ChangeColumns): ChangeSet {
  const ints = (values: Array<string | number> | null | undefined) => (values ?? []).map(Number);
  const [relations, sequences, functions, types] = row.change_sets ?? [[], [], [], []];
  return {
    last: Number(row.change_last),
    changes: (row.change_rows ?? []).map(([dropped, tag, catalog, objid, objsubid, objectType, names]) => ({
      dropped,
      tag,
      catalog: catalog?.replace(/^pg_catalog\./, '') ?? null,
      objid,
      objsubid,
      objectType,
      names,
    })),
    relations: ints(relations),
    sequences: ints(sequences),
    functions: ints(functions),
    types: ints(types),
    roles: row.change_roles ?? '',
    database: row.change_database ?? '',
    nextXid: row.change_next_xid ?? '',
  };
}

/** The changes logged after `since`, resolved (see {@link changesCte}). One round trip. */
export async function readChanges(client: pg.ClientBase, since: number): Promise<ChangeSet> {
  const { rows } = await client.query<ChangeColumns>({
    name: 'pgwarden_change_log_read',
    text: `WITH ${changesCte('$1::pg_catalog.int8')} SELECT ${changesColumns('$1::pg_catalog.int8')}`,
    values: [since],
  });
  return changeSetOf(rows[0]!);
}
