import type pg from 'pg';
import { inScope, notFromExtension, scopeParams, type CatalogScope } from './scope.js';
import { withCatalogSettings } from './session.js';
import { compareBy } from './sort.js';
import { catalogQuery } from './query.js';
import { sequencesOf } from './read/sequences.js';

/** The kinds of object that carry an owner or an ACL. */
export type PrivilegeObjectType =
  | 'database'
  | 'schema'
  | 'table'
  | 'view'
  | 'materialized view'
  | 'sequence'
  | 'foreign table'
  | 'function'
  | 'procedure'
  | 'type'
  | 'column';

/** One privilege held by one grantee on one object: an ACL item exploded. */
export interface PrivilegeGrant {
  objectType: PrivilegeObjectType;
  /** Null for the database. */
  schema: string | null;
  /**
   * The object's name, unquoted. For functions and procedures: `name(argtypes)` as `regprocedure`
   * prints it without the schema (identifiers quoted where needed, argument types qualified). For
   * columns: the table's name.
   */
  name: string;
  /** For column privileges: the column's name. */
  column?: string;
  /** A role name, or 'PUBLIC'. */
  grantee: string;
  grantor: string;
  /** 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'USAGE', 'CREATE', 'EXECUTE', 'CONNECT', 'TEMPORARY', 'MAINTAIN'. */
  privilege: string;
  grantable: boolean;
}

/** One entry of `ALTER DEFAULT PRIVILEGES`: what objects `role` creates later will grant. */
export interface DefaultPrivilege {
  /** The creating role (`defaclrole`). */
  role: string;
  /**
   * Null for a global entry. A global entry's privileges replace Postgres's built-in defaults for
   * that object type (so a missing grantee there means revoked), but for the creating role's own,
   * left out when the entry only adds to the defaults; a per-schema entry adds to them.
   */
  schema: string | null;
  objectType: 'table' | 'sequence' | 'function' | 'type' | 'schema';
  grantee: string;
  privilege: string;
  grantable: boolean;
  /**
   * True on a global entry's row for a privilege the creating role holds by default on what it
   * creates (its own, in Postgres's built-in default) and that the entry takes away: `ALTER DEFAULT
   * PRIVILEGES FOR ROLE x REVOKE ALL ON TABLES FROM x` leaves an entry with an empty ACL, read as
   * one such row per privilege (grantee x). Absent on every other row.
   */
  revoked?: true;
}

/** Who owns an object. */
export interface OwnedObject {
  objectType: PrivilegeObjectType;
  schema: string | null;
  /** Named as in {@link PrivilegeGrant.name}. */
  name: string;
  owner: string;
}

/** Options of the privilege readers: `schemas` narrows to those schemas (the database is always read). */
export interface PrivilegeReadOptions extends CatalogScope {}

/**
 * Every object with an ACL and owner in scope: the current database, schemas, relations,
 * functions and procedures, and types; columns only where they carry an ACL of their own. Objects
 * that belong to extensions are left out, and so are range types' constructors (part of their type). `acl` is the ACL with a NULL (never granted nor revoked)
 * made explicit by acldefault, as Postgres treats it.
 */
const roleName = (oid: string) => `CASE WHEN ${oid} = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(${oid})::pg_catalog.text END`;

/** The objects with ACLs; `only` narrows relations, columns, functions and types to the oids of $3-$6. */
function objectsSql(only: boolean, shared = true): string {
  // Sequences that belong to a table read again are read again with it (the sequence query does the same).
  const rel = only ? ` AND c.oid = ANY ($3::pg_catalog.oid[] || ${sequencesOf('$3', '$4')})` : '';
  const col = only ? ' AND c.oid = ANY ($3::pg_catalog.oid[])' : '';
  const proc = only ? ' AND p.oid = ANY ($5::pg_catalog.oid[])' : '';
  const type = only ? ' AND t.oid = ANY ($6::pg_catalog.oid[])' : '';
  // Without the database and schemas (`shared` false), a first branch that returns nothing names the columns.
  const first = shared
    ? `  SELECT 'database'::pg_catalog.text AS object_type, NULL::pg_catalog.text AS schema, d.datname::pg_catalog.text AS name,
         NULL::pg_catalog.text AS column_name, d.datdba AS owner,
         COALESCE(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl, d.oid
    FROM pg_catalog.pg_database d
   WHERE d.datname = pg_catalog.current_database()
  UNION ALL
  SELECT 'schema', NULL, n.nspname, NULL, n.nspowner, COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner)), n.oid
    FROM pg_catalog.pg_namespace n
   WHERE ${inScope('n.nspname')} AND ${notFromExtension('pg_namespace', 'n.oid')}`
    : `  SELECT NULL::pg_catalog.text AS object_type, NULL::pg_catalog.text AS schema, NULL::pg_catalog.text AS name, NULL::pg_catalog.text AS column_name,
         NULL::pg_catalog.oid AS owner, NULL::pg_catalog.aclitem[] AS acl, NULL::pg_catalog.oid AS oid
   WHERE false`;
  return `
${first}
  UNION ALL
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' ELSE 'table' END,
         n.nspname, c.relname, NULL, c.relowner,
         COALESCE(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)), c.oid
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${inScope('n.nspname')} AND ${notFromExtension('pg_class', 'c.oid')}${rel}
  UNION ALL
  SELECT 'column', n.nspname, c.relname, a.attname, NULL, a.attacl, c.oid
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
     AND ${inScope('n.nspname')} AND ${notFromExtension('pg_class', 'c.oid')}${col}
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname,
         pg_catalog.substr(p.oid::pg_catalog.regprocedure::pg_catalog.text, pg_catalog.length(pg_catalog.quote_ident(n.nspname)) + 2),
         NULL, p.proowner, COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner)), p.oid
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
   WHERE ${inScope('n.nspname')} AND ${notFromExtension('pg_proc', 'p.oid')}
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend int_dep WHERE int_dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND int_dep.objid = p.oid AND int_dep.deptype = 'i')${proc}
  UNION ALL
  SELECT 'type', n.nspname, t.typname, NULL, t.typowner, COALESCE(t.typacl, pg_catalog.acldefault('T', t.typowner)), t.oid
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
   WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r')
     AND (t.typrelid = 0 OR (SELECT r.relkind FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid) = 'c')
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type elem WHERE elem.typarray = t.oid)
     AND ${inScope('n.nspname')} AND ${notFromExtension('pg_type', 't.oid')}${type}`;
}


const grantKey = compareBy<PrivilegeGrant>(
  (g) => g.schema ?? '',
  (g) => g.name,
  (g) => g.objectType,
  (g) => g.column ?? '',
  (g) => g.grantee,
  (g) => g.privilege,
  (g) => g.grantor,
  (g) => (g.grantable ? '1' : '0'),
);

/** An object with its owner and exploded ACL, as one catalog query returns them. */
export interface AclObject {
  objectType: PrivilegeObjectType;
  schema: string | null;
  name: string;
  column: string | null;
  /** Null for columns. */
  owner: string | null;
  grants: Array<{ grantee: string; grantor: string; privilege: string; grantable: boolean }>;
}

/**
 * Every object in scope with its owner and exploded ACL, in one query (privileges and owners
 * both come from it). Needs the catalog settings in effect (see withCatalogSettings).
 */
export async function queryAclObjects(client: pg.ClientBase, options: PrivilegeReadOptions = {}): Promise<AclObject[]> {
  return aclObjectsFromRows(await catalogQuery<AclObjectRow>(client, aclObjectsQuery(), scopeParams(options)));
}

/** A row of {@link aclObjectsQuery}. */
export interface AclObjectRow {
  object_type: PrivilegeObjectType;
  schema: string | null;
  name: string;
  column_name: string | null;
  owner: string | null;
  /** The ACL as Postgres prints it (`{app=arwd/owner,=r/owner}`), with defaults made explicit. */
  acl: string[] | null;
  /** The oid of the object (of its table, for a column), to keep rows by object between snapshots. */
  oid: number;
}

/** Objects with owners and exploded ACLs (parameters $1, $2 of scopeParams). */
export function aclObjectsQuery(only = false, shared = true): string {
  return `SELECT o.object_type, o.schema, o.name, o.column_name,
            CASE WHEN o.owner IS NOT NULL THEN pg_catalog.pg_get_userbyid(o.owner)::pg_catalog.text END AS owner,
            o.acl::pg_catalog.text[] AS acl, o.oid::pg_catalog.int8 AS oid
       FROM (${objectsSql(only, shared)}) o`;
}

/** {@link AclObject}s from rows of {@link aclObjectsQuery}. */
export function aclObjectsFromRows(rows: AclObjectRow[]): AclObject[] {
  return rows.map((r) => ({
    objectType: r.object_type,
    schema: r.schema,
    name: r.name,
    column: r.column_name,
    owner: r.owner,
    grants: (r.acl ?? []).flatMap(parseAclItem),
  }));
}

/** What each letter of an ACL item grants (Postgres's ACL_ALL_RIGHTS_STR). */
const PRIVILEGE_LETTERS: Record<string, string> = {
  a: 'INSERT',
  r: 'SELECT',
  w: 'UPDATE',
  d: 'DELETE',
  D: 'TRUNCATE',
  x: 'REFERENCES',
  t: 'TRIGGER',
  X: 'EXECUTE',
  U: 'USAGE',
  C: 'CREATE',
  T: 'TEMPORARY',
  c: 'CONNECT',
  s: 'SET',
  A: 'ALTER SYSTEM',
  m: 'MAINTAIN',
};

type Grant = AclObject['grants'][number];
const parsedItems = new Map<string, Grant[]>();

/**
 * The grants of one ACL item as Postgres prints it, `grantee=privileges/grantor` (an empty grantee
 * is PUBLIC; names with other than letters, digits and underscores are double-quoted; `*` after a
 * letter is the grant option). Parsing here instead of aclexplode in SQL is much faster, and most
 * objects share a few distinct items, which are parsed once.
 */
export function parseAclItem(item: string): Grant[] {
  const cached = parsedItems.get(item);
  if (cached) return cached;
  let i = 0;
  const name = (): string => {
    if (item[i] !== '"') {
      const start = i;
      while (i < item.length && item[i] !== '=' && item[i] !== '/') i++;
      return item.slice(start, i);
    }
    let out = '';
    i++;
    while (i < item.length) {
      if (item[i] === '"') {
        if (item[i + 1] === '"') {
          out += '"';
          i += 2;
          continue;
        }
        i++;
        break;
      }
      out += item[i++];
    }
    return out;
  };
  const grantee = name() || 'PUBLIC';
  i++; // '='
  const privileges: Array<[string, boolean]> = [];
  while (i < item.length && item[i] !== '/') {
    const privilege = PRIVILEGE_LETTERS[item[i]!] ?? item[i]!;
    const grantable = item[i + 1] === '*';
    privileges.push([privilege, grantable]);
    i += grantable ? 2 : 1;
  }
  i++; // '/'
  const grantor = name();
  const grants = privileges.map(([privilege, grantable]) => ({ grantee, grantor, privilege, grantable }));
  if (parsedItems.size < 10_000) parsedItems.set(item, grants);
  return grants;
}

/** The exploded grants of {@link queryAclObjects}'s objects, sorted. */
export function grantsOf(objects: AclObject[]): PrivilegeGrant[] {
  const grants: PrivilegeGrant[] = [];
  for (const o of objects) {
    for (const g of o.grants) {
      const grant: PrivilegeGrant = { objectType: o.objectType, schema: o.schema, name: o.name, grantee: g.grantee, grantor: g.grantor, privilege: g.privilege, grantable: g.grantable };
      if (o.column !== null) grant.column = o.column;
      grants.push(grant);
    }
  }
  return grants.sort(grantKey);
}

/** The owners of {@link queryAclObjects}'s objects (columns have none), sorted. */
export function ownersOf(objects: AclObject[]): OwnedObject[] {
  return objects
    .filter((o) => o.objectType !== 'column')
    .map((o) => ({ objectType: o.objectType, schema: o.schema, name: o.name, owner: o.owner ?? '' }))
    .sort(ownerKey);
}

/** The rows of {@link readPrivileges}, for callers that already hold the catalog settings. */
export async function queryPrivileges(client: pg.ClientBase, options: PrivilegeReadOptions = {}): Promise<PrivilegeGrant[]> {
  return grantsOf(await queryAclObjects(client, options));
}

/**
 * Reads every privilege in the database as exploded ACL items: one row per grantee, privilege
 * and object, with objects that were never granted nor revoked given their default ACL (so the
 * owner's and PUBLIC's implicit privileges show). Covers the current database, schemas, tables,
 * views, materialized views, sequences, foreign tables, columns (their own ACLs only), functions,
 * procedures and types; leaves out system schemas and objects owned by extensions. Sorted.
 *
 * @example
 * const grants = await readPrivileges(client, { schemas: ['public'] });
 * grants.filter((g) => g.grantee === 'PUBLIC');
 */
export async function readPrivileges(client: pg.ClientBase, options: PrivilegeReadOptions = {}): Promise<PrivilegeGrant[]> {
  return withCatalogSettings(client, async () => grantsOf(await queryAclObjects(client, options)));
}

/**
 * Default privileges, exploded (parameters $1, $2 of scopeParams). A global entry holds the whole
 * ACL that replaces Postgres's built-in default (acldefault): when it only adds to that default,
 * its creating role's own implicit privileges are left out, so `GRANT SELECT ON TABLES TO app_ro`
 * reads as that one grant; when it takes something away (`REVOKE EXECUTE ON FUNCTIONS FROM
 * PUBLIC`), every item is listed, as what is missing is the point. What it takes away from the
 * creating role itself is listed too, as rows with `revoked` true: without them an entry that
 * only revokes the role's own privileges (its ACL empty, which Postgres keeps: only an ACL equal
 * to the built-in one is removed) would read as no entry at all, and one that also grants to
 * others would read as if the role kept its own.
 */
export const defaultPrivilegesQuery = `SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::pg_catalog.text AS role,
            n.nspname::pg_catalog.text AS schema,
            CASE d.defaclobjtype WHEN 'r' THEN 'table' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'function' WHEN 'T' THEN 'type' ELSE 'schema' END AS "objectType",
            ${roleName('x.grantee')} AS grantee, x.privilege_type AS privilege, x.is_grantable AS grantable, false AS revoked
       FROM pg_catalog.pg_default_acl d
       LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
       CROSS JOIN LATERAL (SELECT pg_catalog.acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END::"char", d.defaclrole) AS acl) builtin
       CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) x
      WHERE (d.defaclnamespace = 0 OR ${inScope('n.nspname')})
        AND NOT (d.defaclnamespace = 0 AND x.grantee = d.defaclrole AND x.grantor = d.defaclrole
                 AND builtin.acl OPERATOR(pg_catalog.<@) d.defaclacl
                 AND pg_catalog.cardinality(d.defaclacl) > pg_catalog.cardinality(builtin.acl))
     UNION ALL
     SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::pg_catalog.text, NULL::pg_catalog.text,
            CASE d.defaclobjtype WHEN 'r' THEN 'table' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'function' WHEN 'T' THEN 'type' ELSE 'schema' END,
            pg_catalog.pg_get_userbyid(d.defaclrole)::pg_catalog.text, own.privilege_type, false, true
       FROM pg_catalog.pg_default_acl d
       CROSS JOIN LATERAL pg_catalog.aclexplode(pg_catalog.acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END::"char", d.defaclrole)) own
      WHERE d.defaclnamespace = 0 AND own.grantee = d.defaclrole
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(d.defaclacl) x WHERE x.grantee = d.defaclrole AND x.privilege_type = own.privilege_type)`;

const defaultKey = compareBy<DefaultPrivilege>(
  (d) => d.role,
  (d) => d.schema ?? '',
  (d) => d.objectType,
  (d) => d.grantee,
  (d) => d.privilege,
  (d) => (d.grantable ? '1' : '0'),
  (d) => (d.revoked ? '1' : '0'),
);

/** The rows of {@link readDefaultPrivileges}, for callers that already hold the catalog settings. */
export async function queryDefaultPrivileges(client: pg.ClientBase, options: PrivilegeReadOptions = {}): Promise<DefaultPrivilege[]> {
  const rows = await catalogQuery<DefaultPrivilegeRow>(client, defaultPrivilegesQuery, scopeParams(options));
  return sortDefaultPrivileges(rows);
}

/** A row of {@link defaultPrivilegesQuery}: `revoked` is false on the rows of grants. */
export type DefaultPrivilegeRow = Omit<DefaultPrivilege, 'revoked'> & { revoked?: boolean };

/**
 * Default privileges from rows of {@link defaultPrivilegesQuery}, in their canonical order, with
 * `revoked` only on the rows that revoke (so that a grant's row has the same fields it always had).
 */
export function sortDefaultPrivileges(rows: DefaultPrivilegeRow[]): DefaultPrivilege[] {
  return rows.map(({ revoked, ...d }): DefaultPrivilege => (revoked ? { ...d, revoked: true } : d)).sort(defaultKey);
}

/**
 * Reads `ALTER DEFAULT PRIVILEGES` entries, exploded: one row per creating role, schema (null for
 * global entries), object type, grantee and privilege, and one (`revoked` true) per privilege of
 * its own that a global entry takes away from the creating role. Global entries are always read;
 * per-schema ones for the schemas in scope. Sorted.
 */
export async function readDefaultPrivileges(client: pg.ClientBase, options: PrivilegeReadOptions = {}): Promise<DefaultPrivilege[]> {
  return withCatalogSettings(client, () => queryDefaultPrivileges(client, options));
}

const ownerKey = compareBy<OwnedObject>(
  (o) => o.schema ?? '',
  (o) => o.name,
  (o) => o.objectType,
);

/** The rows of {@link readOwners}, for callers that already hold the catalog settings. */
export async function queryOwners(client: pg.ClientBase, options: PrivilegeReadOptions = {}): Promise<OwnedObject[]> {
  return ownersOf(await queryAclObjects(client, options));
}

/**
 * Reads the owner of every object {@link readPrivileges} covers (columns have none of their own).
 * Sorted.
 */
export async function readOwners(client: pg.ClientBase, options: PrivilegeReadOptions = {}): Promise<OwnedObject[]> {
  return withCatalogSettings(client, async () => ownersOf(await queryAclObjects(client, options)));
}
