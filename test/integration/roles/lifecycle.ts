import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { applyRoles, planRolesOn } from '../../../src/roles/apply.js';
import { loadRolesFile, parseRolesFile } from '../../../src/roles/load.js';
import { buildReferenceSchema, createDatabase, loginUrl, REFERENCE_ROLES, sql, tablesOf, tryAs, type TestCluster } from './support.js';

export const PASSWORDS = { FLEET_APP_PASSWORD: 'app-Pw-7f3c91e2', FLEET_REPORT_PASSWORD: 'report-Pw-0b8d44a6' };

async function canLogin(url: string, user: string, password: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: loginUrl(url, user, password) });
  try {
    await client.connect();
    const { rows } = await client.query<{ u: string }>('SELECT current_user AS u');
    return rows[0]!.u;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

const privilege = async (url: string, role: string, table: string, what: string) =>
  (await sql<{ ok: boolean }>(url, 'SELECT has_table_privilege($1, $2, $3) AS ok', [role, `public.${table}`, what]))[0]!.ok;

/**
 * The whole life of the reference roles.yaml on one server: first apply, the schema built by the
 * migrator, least privilege, drift by hand repaired, future tables, password versions.
 */
export function rolesLifecycle(start: () => Promise<TestCluster>): void {
  let cluster: TestCluster;
  let db: DatabaseHandle;
  const rolesFile = loadRolesFile(REFERENCE_ROLES);
  const plan = () => planRolesOn(db, rolesFile, { environment: 'dev' });
  const apply = (expected?: Awaited<ReturnType<typeof plan>>) => applyRoles(db, rolesFile, { environment: 'dev', environ: PASSWORDS, expected });

  beforeAll(async () => {
    cluster = await start();
    db = await createDatabase(cluster, 'fleet');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('check fails before apply, passes after it, and a second apply does nothing', async () => {
    const before = await plan();
    expect(before.changes.length).toBeGreaterThan(10);
    expect(before.changes.map((c) => c.sql)).toContain('CREATE ROLE "migrator"');
    expect(before.changes.some((c) => c.sql.startsWith('CREATE ROLE "fleet_app_dev" WITH LOGIN CONNECTION LIMIT 20 PASSWORD <redacted>'))).toBe(true);
    const result = await apply(before);
    expect(result.applied).toBe(before.changes.length);
    const after = await plan();
    expect(after.changes).toEqual([]);
    expect(after.undeclared).toEqual([]);
    const again = await apply(after);
    expect(again.applied).toBe(0);
    const roles = await sql<{ rolname: string; rolcanlogin: boolean; rolconnlimit: number }>(db.url, `SELECT rolname, rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname IN ('migrator', 'app_rw', 'app_ro', 'auditor', 'fleet_app_dev', 'fleet_report_dev') ORDER BY 1`);
    expect(roles).toEqual([
      { rolname: 'app_ro', rolcanlogin: false, rolconnlimit: -1 },
      { rolname: 'app_rw', rolcanlogin: false, rolconnlimit: -1 },
      { rolname: 'auditor', rolcanlogin: false, rolconnlimit: -1 },
      { rolname: 'fleet_app_dev', rolcanlogin: true, rolconnlimit: 20 },
      { rolname: 'fleet_report_dev', rolcanlogin: true, rolconnlimit: 5 },
      { rolname: 'migrator', rolcanlogin: false, rolconnlimit: -1 },
    ]);
    // The password was stored as a SCRAM verifier computed here, and the clear text logs in.
    expect(await canLogin(db.url, 'fleet_app_dev', PASSWORDS.FLEET_APP_PASSWORD)).toBe('fleet_app_dev');
    expect(await canLogin(db.url, 'fleet_app_dev', 'wrong password')).toBeUndefined();
  });

  it('builds the schema as the migrator; default privileges cover its tables, and apply fixes the audit trail', async () => {
    await buildReferenceSchema(db.url);
    const tables = await tablesOf(db.url);
    expect(tables).toContain('user_actions');
    expect(tables.length).toBeGreaterThanOrEqual(15);
    const owners = await sql<{ owner: string }>(db.url, `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`);
    expect(owners).toEqual([{ owner: 'migrator' }]);
    // Everything but user_actions is covered by the migrator's default privileges already.
    const drift = await plan();
    expect(drift.changes.map((c) => c.sql).sort()).toEqual([
      'GRANT SELECT ON TABLE "public"."user_actions" TO "auditor"',
      'REVOKE DELETE, UPDATE ON TABLE "public"."user_actions" FROM "app_rw"',
    ]);
    await apply(drift);
    expect((await plan()).changes).toEqual([]);
  });

  it('proves least privilege', async () => {
    const tables = await tablesOf(db.url);
    // app_ro reads, never writes.
    expect(await tryAs(db.url, 'app_ro', 'SELECT count(*) FROM users')).toBeUndefined();
    expect(await tryAs(db.url, 'app_ro', `INSERT INTO target_groups (name) VALUES ('x')`)).toMatch(/permission denied for table target_groups/);
    // app_rw writes rows but cannot change the schema, nor UPDATE or DELETE the audit trail.
    expect(await tryAs(db.url, 'app_rw', `INSERT INTO target_groups (name) VALUES ('x')`)).toBeUndefined();
    expect(await tryAs(db.url, 'app_rw', 'DROP TABLE target_groups CASCADE')).toMatch(/must be owner of table target_groups/);
    expect(await tryAs(db.url, 'app_rw', 'CREATE TABLE public.sneaky (id int)')).toMatch(/permission denied for schema public/);
    expect(await tryAs(db.url, 'app_rw', `INSERT INTO user_actions (user_id, username, user_roles, action_type, resource, outcome) VALUES ('u1', 'ann', '[]', 'login', '/', 'success')`)).toBeUndefined();
    expect(await tryAs(db.url, 'app_rw', `UPDATE user_actions SET outcome = 'error'`)).toMatch(/permission denied for table user_actions/);
    expect(await tryAs(db.url, 'app_rw', 'DELETE FROM user_actions')).toMatch(/permission denied for table user_actions/);
    // The service account logs in with its password and acts through app_rw.
    const app = new pg.Client({ connectionString: loginUrl(db.url, 'fleet_app_dev', PASSWORDS.FLEET_APP_PASSWORD) });
    await app.connect();
    try {
      expect((await app.query(`SHOW statement_timeout`)).rows[0].statement_timeout).toBe('30s');
      await app.query(`INSERT INTO target_groups (name) VALUES ('from the app')`);
      await expect(app.query('DROP TABLE target_groups CASCADE')).rejects.toThrow(/must be owner/);
    } finally {
      await app.end();
    }
    const report = new pg.Client({ connectionString: loginUrl(db.url, 'fleet_report_dev', PASSWORDS.FLEET_REPORT_PASSWORD) });
    await report.connect();
    try {
      await report.query('SELECT count(*) FROM target_groups');
      await expect(report.query(`INSERT INTO target_groups (name) VALUES ('from reporting')`)).rejects.toThrow(/permission denied/);
    } finally {
      await report.end();
    }
    // auditor reads user_actions and nothing else.
    expect(await tryAs(db.url, 'auditor', 'SELECT count(*) FROM user_actions')).toBeUndefined();
    for (const table of tables.filter((t) => t !== 'user_actions')) {
      expect(await tryAs(db.url, 'auditor', `SELECT 1 FROM ${pg.escapeIdentifier(table)} LIMIT 1`), table).toMatch(/permission denied/);
    }
    expect(await tryAs(db.url, 'auditor', `INSERT INTO user_actions (user_id, username, user_roles, action_type, resource, outcome) VALUES ('u', 'u', '[]', 'x', '/', 'success')`)).toMatch(/permission denied/);
    // PUBLIC (a role in no group) can neither create in the schema nor read a table.
    await sql(db.url, 'CREATE ROLE outsider');
    expect(await tryAs(db.url, 'outsider', 'CREATE TABLE public.mine (id int)')).toMatch(/permission denied for schema public/);
    expect(await tryAs(db.url, 'outsider', 'SELECT 1 FROM public.users')).toMatch(/permission denied/);
    await sql(db.url, 'DROP ROLE outsider');
  });

  it('revokes a grant made by hand and restores a revoke made by hand', async () => {
    await sql(db.url, 'GRANT DELETE, TRUNCATE ON users TO app_ro; REVOKE INSERT ON jobs FROM app_rw; GRANT CREATE ON SCHEMA public TO PUBLIC; GRANT SELECT ON credentials TO PUBLIC; GRANT app_rw TO fleet_report_dev');
    expect(await privilege(db.url, 'app_ro', 'users', 'DELETE')).toBe(true);
    const drift = await plan();
    const statements = drift.changes.map((c) => c.sql);
    expect(statements).toEqual(
      expect.arrayContaining([
        'REVOKE DELETE, TRUNCATE ON TABLE "public"."users" FROM "app_ro"',
        'GRANT INSERT ON TABLE "public"."jobs" TO "app_rw"',
        'REVOKE CREATE ON SCHEMA "public" FROM PUBLIC',
        'REVOKE SELECT ON TABLE "public"."credentials" FROM PUBLIC',
      ]),
    );
    expect(statements.some((s) => /^REVOKE "app_rw" FROM "fleet_report_dev"/.test(s))).toBe(true);
    expect(drift.changes).toHaveLength(5);
    await apply(drift);
    expect(await privilege(db.url, 'app_ro', 'users', 'DELETE')).toBe(false);
    expect(await privilege(db.url, 'app_rw', 'jobs', 'INSERT')).toBe(true);
    expect((await sql<{ ok: boolean }>(db.url, `SELECT has_schema_privilege('public', 'public', 'CREATE') AS ok`))[0]!.ok).toBe(false);
    expect((await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM pg_auth_members WHERE member = 'fleet_report_dev'::regrole AND roleid = 'app_rw'::regrole`))[0]!.n).toBe(0);
    expect((await plan()).changes).toEqual([]);
  });

  it('takes EXECUTE on SECURITY DEFINER functions away from PUBLIC, and only there', async () => {
    await sql(db.url, `SET ROLE migrator; CREATE FUNCTION public.purge_expired_sessions() RETURNS void LANGUAGE sql SECURITY DEFINER AS 'DELETE FROM user_sessions WHERE expires_at < now()'`);
    const drift = await plan();
    expect(drift.changes.map((c) => c.sql)).toEqual(['REVOKE EXECUTE ON FUNCTION "public".purge_expired_sessions() FROM PUBLIC']);
    await apply(drift);
    const can = await sql<{ definer: boolean; trigger: boolean }>(
      db.url,
      `SELECT has_function_privilege('app_rw', 'public.purge_expired_sessions()', 'EXECUTE') AS definer,
              has_function_privilege('app_rw', 'public.user_actions_reject_change()', 'EXECUTE') AS trigger`,
    );
    expect(can).toEqual([{ definer: false, trigger: true }]);
    expect((await plan()).changes).toEqual([]);
  });

  it('refuses to apply when the database changed since the plan was shown', async () => {
    await sql(db.url, 'GRANT TRUNCATE ON users TO app_rw');
    const shown = await plan();
    await sql(db.url, 'GRANT TRUNCATE ON jobs TO app_rw');
    await expect(apply(shown)).rejects.toMatchObject({ code: 'ROLES_CONFLICT' });
    expect(await privilege(db.url, 'app_rw', 'users', 'TRUNCATE')).toBe(true);
    await apply(await plan());
    expect(await privilege(db.url, 'app_rw', 'users', 'TRUNCATE')).toBe(false);
    expect(await privilege(db.url, 'app_rw', 'jobs', 'TRUNCATE')).toBe(false);
  });

  it('covers a table the migrator creates after apply through default privileges', async () => {
    await sql(db.url, 'SET ROLE migrator; CREATE TABLE public.maintenance_windows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, starts_at timestamptz NOT NULL)');
    expect(await privilege(db.url, 'app_rw', 'maintenance_windows', 'INSERT')).toBe(true);
    expect(await privilege(db.url, 'app_ro', 'maintenance_windows', 'SELECT')).toBe(true);
    expect(await privilege(db.url, 'app_ro', 'maintenance_windows', 'INSERT')).toBe(false);
    expect(await privilege(db.url, 'auditor', 'maintenance_windows', 'SELECT')).toBe(false);
    expect((await plan()).changes).toEqual([]);
  });

  it('sets a password again only when passwordVersion changes', async () => {
    const changedSecret = { ...PASSWORDS, FLEET_APP_PASSWORD: 'a-new-Secret-55aa' };
    // Same version, another secret in the environment: nothing to do, the old password stays.
    const same = await applyRoles(db, rolesFile, { environment: 'dev', environ: changedSecret });
    expect(same.applied).toBe(0);
    expect(await canLogin(db.url, 'fleet_app_dev', PASSWORDS.FLEET_APP_PASSWORD)).toBe('fleet_app_dev');
    const text = readFileSync(REFERENCE_ROLES, 'utf8');
    const bumped = parseRolesFile(text.replace(/(fleet_app_dev:[\s\S]*?passwordVersion: )1/, '$12'), REFERENCE_ROLES);
    const next = await planRolesOn(db, bumped, { environment: 'dev' });
    expect(next.changes.map((c) => c.sql)).toEqual([
      'ALTER ROLE "fleet_app_dev" WITH PASSWORD <redacted>',
      `COMMENT ON ROLE "fleet_app_dev" IS 'The application''s service account in development.\n\n[pgwarden password-version: 2]'`,
    ]);
    await applyRoles(db, bumped, { environment: 'dev', environ: changedSecret, expected: next });
    expect(await canLogin(db.url, 'fleet_app_dev', 'a-new-Secret-55aa')).toBe('fleet_app_dev');
    expect(await canLogin(db.url, 'fleet_app_dev', PASSWORDS.FLEET_APP_PASSWORD)).toBeUndefined();
    expect((await planRolesOn(db, bumped, { environment: 'dev' })).changes).toEqual([]);
  });
}
