import type pg from 'pg';

/** A role as the cluster has it (pg_roles, pg_db_role_setting, pg_shdescription). */
export interface LiveRole {
  name: string;
  superuser: boolean;
  login: boolean;
  createdb: boolean;
  createrole: boolean;
  inherit: boolean;
  replication: boolean;
  bypassrls: boolean;
  connectionLimit: number;
  /** ISO timestamp in UTC, `infinity`, or null. */
  validUntil: string | null;
  /** Settings for every database (`ALTER ROLE ... SET`), as Postgres stores them. */
  settings: Record<string, string>;
  comment: string | null;
}

/** One row of pg_auth_members. `inherit` and `set` are null before Postgres 16. */
export interface LiveMembership {
  role: string;
  member: string;
  grantor: string;
  admin: boolean;
  inherit: boolean | null;
  set: boolean | null;
}

/** The cluster-wide state roles.yaml manages, and who is looking at it. */
export interface LiveCluster {
  /** `server_version_num`, e.g. 150008. */
  serverVersionNum: number;
  /** The database the connection is on. */
  database: string;
  /** Every database that accepts connections (dropping a role visits each). */
  databases: string[];
  /** The user applying the plan (never touched). */
  applier: string;
  applierIsSuperuser: boolean;
  /** The bootstrap superuser (oid 10): Postgres 16 records superusers' grants under it. */
  bootstrapSuperuser: string;
  roles: LiveRole[];
  memberships: LiveMembership[];
}

/** Splits a pg_db_role_setting entry `name=value`. */
export function parseSettingEntry(entry: string): [string, string] {
  const at = entry.indexOf('=');
  return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
}

/**
 * Reads the roles, their settings and comments, and every membership of the cluster, with
 * Postgres 16's membership options where the server has them.
 */
export async function readLiveCluster(client: pg.ClientBase): Promise<LiveCluster> {
  const info = (
    await client.query<{ version: string; database: string; applier: string; superuser: boolean; bootstrap: string; databases: string[] }>(
      `SELECT pg_catalog.current_setting('server_version_num') AS version,
              pg_catalog.current_database()::text AS database,
              current_user::text AS applier,
              (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS superuser,
              (SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.oid = 10) AS bootstrap,
              ARRAY(SELECT d.datname::text FROM pg_catalog.pg_database d WHERE d.datallowconn AND NOT d.datistemplate ORDER BY d.datname) AS databases`,
    )
  ).rows[0]!;
  const serverVersionNum = Number(info.version);
  const { rows: roleRows } = await client.query<{
    name: string;
    superuser: boolean;
    login: boolean;
    createdb: boolean;
    createrole: boolean;
    inherit: boolean;
    replication: boolean;
    bypassrls: boolean;
    connlimit: number;
    valid_until: string | null;
    settings: string[] | null;
    comment: string | null;
  }>(
    `SELECT r.rolname::text AS name, r.rolsuper AS superuser, r.rolcanlogin AS login, r.rolcreatedb AS createdb,
            r.rolcreaterole AS createrole, r.rolinherit AS inherit, r.rolreplication AS replication,
            r.rolbypassrls AS bypassrls, r.rolconnlimit AS connlimit,
            CASE WHEN r.rolvaliduntil IS NULL THEN NULL
                 WHEN r.rolvaliduntil = 'infinity' THEN 'infinity'
                 ELSE pg_catalog.to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END AS valid_until,
            (SELECT s.setconfig FROM pg_catalog.pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0) AS settings,
            pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
       FROM pg_catalog.pg_roles r
      ORDER BY r.rolname`,
  );
  const options = serverVersionNum >= 160000 ? 'm.inherit_option AS inherit, m.set_option AS set' : 'NULL::boolean AS inherit, NULL::boolean AS set';
  const { rows: memberRows } = await client.query<LiveMembership>(
    `SELECT r.rolname::text AS role, u.rolname::text AS member, COALESCE(g.rolname::text, '') AS grantor, m.admin_option AS admin, ${options}
       FROM pg_catalog.pg_auth_members m
       JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
       JOIN pg_catalog.pg_roles u ON u.oid = m.member
       LEFT JOIN pg_catalog.pg_roles g ON g.oid = m.grantor
      ORDER BY 2, 1, 3`,
  );
  return {
    serverVersionNum,
    database: info.database,
    databases: info.databases,
    applier: info.applier,
    applierIsSuperuser: info.superuser,
    bootstrapSuperuser: info.bootstrap,
    roles: roleRows.map((r) => ({
      name: r.name,
      superuser: r.superuser,
      login: r.login,
      createdb: r.createdb,
      createrole: r.createrole,
      inherit: r.inherit,
      replication: r.replication,
      bypassrls: r.bypassrls,
      connectionLimit: r.connlimit,
      validUntil: r.valid_until,
      settings: Object.fromEntries((r.settings ?? []).map(parseSettingEntry)),
      comment: r.comment,
    })),
    memberships: memberRows,
  };
}
