import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { startThrowawayCluster } from '../../../src/providers/embedded.js';
import { applyRoles, planRolesOn } from '../../../src/roles/apply.js';
import { generateRoles } from '../../../src/roles/generate.js';
import { parseRolesFile } from '../../../src/roles/load.js';
import { createDatabase, loginUrl, PG15_BIN, pg15UnavailableReason, sql, startPg15Cluster, type TestCluster } from './support.js';

/**
 * What the database holds in another form than the file writes it (setting names, grants made
 * through a grant option, ...): one apply must be enough, and the next plan empty.
 */
function convergenceTests(start: () => Promise<TestCluster>) {
  let cluster: TestCluster;
  let db: DatabaseHandle;
  beforeAll(async () => {
    cluster = await start();
    db = await createDatabase(cluster, 'conv');
    await sql(db.url, 'CREATE SCHEMA s1; CREATE TABLE s1.t1 (id int); CREATE TABLE s1.t2 (id int)');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const converge = async (text: string, environ: NodeJS.ProcessEnv = {}) => {
    const roles = parseRolesFile(text, 'roles.yaml');
    const plan = await planRolesOn(db, roles);
    await applyRoles(db, roles, { expected: plan, environ });
    const after = await planRolesOn(db, roles);
    expect(after.changes.map((c) => c.sql)).toEqual([]);
    return plan.changes.map((c) => c.sql);
  };
  const settingsOf = async (role: string) =>
    (await sql<{ setconfig: string[] | null }>(db.url, `SELECT setconfig FROM pg_db_role_setting WHERE setrole = $1::regrole AND setdatabase = 0`, [role]))[0]?.setconfig ?? [];

  it('compares setting names case-insensitively (Postgres stores timezone as TimeZone)', async () => {
    const first = await converge('roles:\n  x_tz:\n    settings: { timezone: UTC, datestyle: "ISO, DMY" }\n');
    expect(first).toEqual(['CREATE ROLE "x_tz"', `ALTER ROLE "x_tz" SET "timezone" = 'UTC'`, `ALTER ROLE "x_tz" SET "datestyle" = 'ISO, DMY'`]);
    expect((await settingsOf('x_tz')).sort()).toEqual(['DateStyle=ISO, DMY', 'TimeZone=UTC']);
    // Written the way Postgres prints them, the same file is already applied.
    expect(await converge('roles:\n  x_tz:\n    settings: { TimeZone: UTC, DateStyle: "ISO, DMY" }\n')).toEqual([]);
    // A changed value is set once, under either spelling, and a removed one is reset.
    expect(await converge('roles:\n  x_tz:\n    settings: { timezone: Europe/Paris }\n')).toEqual([`ALTER ROLE "x_tz" SET "timezone" = 'Europe/Paris'`, 'ALTER ROLE "x_tz" RESET "DateStyle"']);
    expect(await settingsOf('x_tz')).toEqual(['TimeZone=Europe/Paris']);
  });

  it('generate writes setting names in lower case, and the file it writes loads and plans to nothing', async () => {
    await sql(db.url, `CREATE ROLE x_gen; ALTER ROLE x_gen SET "DateStyle" = 'ISO, MDY'; ALTER ROLE x_gen SET "MyApp.Flag" = 'on'`);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const generated = await generateRoles(client).finally(() => client.end());
    expect(generated.spec.roles?.x_gen?.settings).toEqual({ datestyle: 'ISO, MDY', 'myapp.flag': 'on' });
    const plan = await planRolesOn(db, parseRolesFile(generated.text, 'generated.yaml'));
    expect(plan.changes).toEqual([]);
  });

  it('reads a validUntil without a time zone as UTC, whatever the session time zone', async () => {
    await sql(db.url, `ALTER DATABASE conv SET timezone = 'America/New_York'`);
    const first = await converge('roles:\n  x_exp:\n    validUntil: "2030-01-01"\n  x_exp2:\n    validUntil: "2030-06-01 12:00"\n  x_exp3:\n    validUntil: "2030-06-01T12:00:00+02:00"\n');
    expect(first).toContain(`CREATE ROLE "x_exp" WITH VALID UNTIL '2030-01-01T00:00:00.000Z'`);
    const stored = await sql<{ rolname: string; until: string }>(db.url, `SELECT rolname, to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS until FROM pg_roles WHERE rolname LIKE 'x\\_exp%' ORDER BY 1`);
    expect(stored).toEqual([
      { rolname: 'x_exp', until: '2030-01-01 00:00' },
      { rolname: 'x_exp2', until: '2030-06-01 12:00' },
      { rolname: 'x_exp3', until: '2030-06-01 10:00' },
    ]);
    await sql(db.url, 'ALTER DATABASE conv RESET timezone');
  });

  it('treats an empty comment as no comment (Postgres stores it as none)', async () => {
    await converge('roles:\n  x_quiet:\n    comment: ""\n');
    await sql(db.url, `COMMENT ON ROLE x_quiet IS 'by hand'`);
    expect(await converge('roles:\n  x_quiet:\n    comment: ""\n')).toEqual(['COMMENT ON ROLE "x_quiet" IS NULL']);
  });

  it('hashes a password as Postgres does (SASLprep): psql and node-pg log in with it', async () => {
    const passwords = {
      // A soft hyphen and a zero-width space map to nothing, a no-break space to a space.
      X_MAPPED: 'soft\u00ADhyphen\u200Bzero\u00A0space-\u00E4',
      // A control character is prohibited: Postgres then uses the password as it is.
      X_RAW: 'bell-\u00E4\u0007-end',
    };
    await converge('roles:\n  x_pw1:\n    login: true\n    password: {env: X_MAPPED}\n    passwordVersion: 1\n  x_pw2:\n    login: true\n    password: {env: X_RAW}\n    passwordVersion: 1\n', passwords);
    const psql = (user: string, password: string) =>
      promisify(execFile)(join(PG15_BIN, 'psql'), [loginUrl(db.url, user, 'unused').replace(/:unused@/, '@'), '-Atc', 'SELECT current_user'], { env: { ...process.env, PGPASSWORD: password } }).then(
        (r) => r.stdout.trim(),
        (e: Error) => e.message,
      );
    const nodePg = async (user: string, password: string) => {
      const client = new pg.Client({ connectionString: loginUrl(db.url, user, password) });
      try {
        await client.connect();
        return (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
      } catch (error) {
        return (error as Error).message;
      } finally {
        await client.end().catch(() => {});
      }
    };
    expect(await nodePg('x_pw1', passwords.X_MAPPED)).toBe('x_pw1');
    expect(await nodePg('x_pw2', passwords.X_RAW)).toBe('x_pw2');
    if (!pg15UnavailableReason()) {
      expect(await psql('x_pw1', passwords.X_MAPPED)).toBe('x_pw1');
      expect(await psql('x_pw2', passwords.X_RAW)).toBe('x_pw2');
      expect(await psql('x_pw1', 'softhyphen-wrong')).toMatch(/password authentication failed/);
    }
  });

  const holds = async (role: string, table: string, what = 'SELECT') => (await sql<{ ok: boolean }>(db.url, 'SELECT has_table_privilege($1, $2, $3) AS ok', [role, table, what]))[0]!.ok;
  const acl = async (table: string) => (await sql<{ acl: string }>(db.url, `SELECT relacl::text AS acl FROM pg_class WHERE oid = $1::regclass`, [table]))[0]!.acl;

  it('revokes a privilege granted by a role other than the owner, as that role', async () => {
    const file = 'roles:\n  x_gopt: {}\n  x_gget: {}\ngrants:\n  - to: x_gopt\n    schema: s1\n    tables: [t1]\n    privileges: [SELECT]\n    withGrantOption: true\n';
    await converge(file);
    await sql(db.url, 'SET ROLE x_gopt; GRANT SELECT ON s1.t1 TO x_gget');
    expect(await holds('x_gget', 's1.t1')).toBe(true);
    expect(await converge(file)).toEqual(['SET ROLE "x_gopt"; REVOKE SELECT ON TABLE "s1"."t1" FROM "x_gget"; RESET ROLE']);
    expect(await holds('x_gget', 's1.t1')).toBe(false);
    expect(await holds('x_gopt', 's1.t1', 'SELECT WITH GRANT OPTION')).toBe(true);
  });

  it('takes a grant option away although the grantee granted onward: dependents first, then CASCADE', async () => {
    await sql(db.url, 'CREATE ROLE x_outsider');
    const file = (auditorReads: boolean) =>
      `managed:\n  prefixes: [x_]\n  ignore: [x_outsider]\nroles:\n  x_ro: {}\n  x_aud: {}\ngrants:\n  - to: ${auditorReads ? '[x_ro, x_aud]' : 'x_ro'}\n    schema: s1\n    tables: [t2]\n    privileges: [SELECT]\n`;
    await converge(file(false));
    // By hand: x_ro gets the grant option and passes SELECT on to x_aud, who passes it on to x_outsider.
    await sql(db.url, 'GRANT SELECT ON s1.t2 TO x_ro WITH GRANT OPTION; GRANT USAGE ON SCHEMA s1 TO x_aud, x_outsider; SET ROLE x_ro; GRANT SELECT ON s1.t2 TO x_aud WITH GRANT OPTION; SET ROLE x_aud; GRANT SELECT ON s1.t2 TO x_outsider');
    expect(await converge(file(false))).toEqual([
      'SET ROLE "x_ro"; REVOKE SELECT ON TABLE "s1"."t2" FROM "x_aud" CASCADE; RESET ROLE',
      'REVOKE USAGE ON SCHEMA "s1" FROM "x_aud"',
      'REVOKE GRANT OPTION FOR SELECT ON TABLE "s1"."t2" FROM "x_ro" CASCADE',
    ]);
    expect(await holds('x_aud', 's1.t2')).toBe(false);
    expect(await holds('x_outsider', 's1.t2')).toBe(false);
    expect(await holds('x_ro', 's1.t2')).toBe(true);
    expect(await holds('x_ro', 's1.t2', 'SELECT WITH GRANT OPTION')).toBe(false);

    // The file wants x_aud to read, but x_aud holds SELECT only through x_ro's grant option, which
    // goes: the owner grants it, and the grant option is revoked with CASCADE.
    await sql(db.url, 'GRANT SELECT ON s1.t2 TO x_ro WITH GRANT OPTION; SET ROLE x_ro; GRANT SELECT ON s1.t2 TO x_aud');
    expect(await converge(file(true))).toEqual(['GRANT USAGE ON SCHEMA "s1" TO "x_aud"', 'GRANT SELECT ON TABLE "s1"."t2" TO "x_aud"', 'REVOKE GRANT OPTION FOR SELECT ON TABLE "s1"."t2" FROM "x_ro" CASCADE']);
    expect(await holds('x_aud', 's1.t2')).toBe(true);
    expect(await acl('s1.t2')).not.toContain('/x_ro');
  });

  it("grants back a role's own default privileges that a global entry took away (its ACL left empty too); generate says the file cannot keep them away", async () => {
    const file = 'roles:\n  x_self: {}\n  x_selfreader: {}\n  x_empty: {}\ndefaultPrivileges:\n  - for: x_self\n    to: x_selfreader\n    privileges: [SELECT]\n    on: [tables]\n';
    await converge(file);
    await sql(db.url, 'CREATE ROLE x_bystander');
    // By hand: what x_self and x_empty create later gives them nothing (x_empty's entry is left with an empty ACL,
    // which Postgres keeps); x_bystander, which the file does not manage, does the same.
    await sql(
      db.url,
      'ALTER DEFAULT PRIVILEGES FOR ROLE x_self REVOKE ALL ON TABLES FROM x_self; ALTER DEFAULT PRIVILEGES FOR ROLE x_self REVOKE ALL ON FUNCTIONS FROM x_self; ' +
        'ALTER DEFAULT PRIVILEGES FOR ROLE x_empty REVOKE ALL ON SEQUENCES FROM x_empty; ALTER DEFAULT PRIVILEGES FOR ROLE x_bystander REVOKE ALL ON SEQUENCES FROM x_bystander',
    );
    const acls = async () => (await sql<{ role: string; type: string; acl: string }>(db.url, `SELECT defaclrole::regrole::text AS role, defaclobjtype::text AS type, defaclacl::text AS acl FROM pg_default_acl ORDER BY 1, 2`));
    expect(await acls()).toEqual([
      { role: 'x_bystander', type: 'S', acl: '{}' },
      { role: 'x_empty', type: 'S', acl: '{}' },
      { role: 'x_self', type: 'f', acl: '{=X/x_self}' },
      { role: 'x_self', type: 'r', acl: '{x_selfreader=r/x_self}' },
    ]);
    const maintain = Number((await sql<{ v: string }>(db.url, `SELECT current_setting('server_version_num') AS v`))[0]!.v) >= 170000;
    const tablePrivileges = ['DELETE', 'INSERT', ...(maintain ? ['MAINTAIN'] : []), 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'].join(', ');
    const restore = [
      'ALTER DEFAULT PRIVILEGES FOR ROLE "x_empty" GRANT SELECT, UPDATE, USAGE ON SEQUENCES TO "x_empty"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "x_self" GRANT EXECUTE ON FUNCTIONS TO "x_self"',
      `ALTER DEFAULT PRIVILEGES FOR ROLE "x_self" GRANT ${tablePrivileges} ON TABLES TO "x_self"`,
    ];

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const generated = await generateRoles(client).finally(() => client.end());
    expect(generated.warnings.filter((w) => w.includes('its own'))).toEqual([
      `x_bystander has taken its own SELECT, UPDATE, USAGE away from the sequences it creates later (ALTER DEFAULT PRIVILEGES FOR ROLE "x_bystander" REVOKE ... ON SEQUENCES FROM "x_bystander"): a roles file cannot say so (it keeps a role's own default privileges as Postgres makes them), so roles apply will grant them back (ALTER DEFAULT PRIVILEGES FOR ROLE "x_bystander" GRANT SELECT, UPDATE, USAGE ON SEQUENCES TO "x_bystander").`,
      `x_empty has taken its own SELECT, UPDATE, USAGE away from the sequences it creates later (ALTER DEFAULT PRIVILEGES FOR ROLE "x_empty" REVOKE ... ON SEQUENCES FROM "x_empty"): a roles file cannot say so (it keeps a role's own default privileges as Postgres makes them), so roles apply will grant them back (${restore[0]}).`,
      `x_self has taken its own EXECUTE away from the functions it creates later (ALTER DEFAULT PRIVILEGES FOR ROLE "x_self" REVOKE ... ON FUNCTIONS FROM "x_self"): a roles file cannot say so (it keeps a role's own default privileges as Postgres makes them), so roles apply will grant them back (${restore[1]}).`,
      `x_self has taken its own ${tablePrivileges} away from the tables it creates later (ALTER DEFAULT PRIVILEGES FOR ROLE "x_self" REVOKE ... ON TABLES FROM "x_self"): a roles file cannot say so (it keeps a role's own default privileges as Postgres makes them), so roles apply will grant them back (${restore[2]}).`,
    ]);

    const plan = await planRolesOn(db, parseRolesFile(file, 'roles.yaml'));
    expect(plan.changes.map((c) => [c.group, c.sql])).toEqual(restore.map((sql) => ['default-privileges', sql]));
    expect(plan.changes[0]!.reason).toBe("x_empty holds no SELECT, UPDATE, USAGE on the sequences it creates later (a global ALTER DEFAULT PRIVILEGES took its own away); roles.yaml:4 (roles.x_empty) keeps a role's own default privileges as Postgres makes them");
    expect(await converge(file)).toEqual(restore);
    // Given back: x_empty's entry equals the built-in default again (Postgres removes it); x_bystander's is left alone.
    expect(await acls()).toEqual([
      { role: 'x_bystander', type: 'S', acl: '{}' },
      { role: 'x_self', type: 'r', acl: `{x_self=arwdDxt${maintain ? 'm' : ''}/x_self,x_selfreader=r/x_self}` },
    ]);
  });

  it('revokes what a role other than the owner granted to PUBLIC as that role, before that role loses its own privileges', async () => {
    await sql(db.url, `CREATE TABLE s1.t3 (id int); CREATE TABLE s1.t4 (id int); CREATE FUNCTION s1.f_definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'; REVOKE EXECUTE ON FUNCTION s1.f_definer() FROM PUBLIC`);
    const file = 'roles:\n  x_pubopt: {}\n  x_pubgone: {}\ngrants:\n  - to: x_pubopt\n    schema: s1\n    tables: [t3]\n    privileges: [SELECT]\n    withGrantOption: true\npublic:\n  schemas: [s1]\n  noCreateOnSchema: true\n  noTablePrivileges: true\n  noSecurityDefinerExecute: true\n';
    await converge(file);
    // By hand: x_pubopt passes SELECT on t3 to PUBLIC through the grant option the file gives it;
    // x_pubgone, which the file gives nothing, got grant options on t4, the function and the schema
    // and passed each on to PUBLIC. The owner's REVOKE ... FROM PUBLIC removes none of these.
    await sql(
      db.url,
      'SET ROLE x_pubopt; GRANT SELECT ON s1.t3 TO PUBLIC; RESET ROLE; ' +
        'GRANT USAGE, CREATE ON SCHEMA s1 TO x_pubgone WITH GRANT OPTION; GRANT SELECT ON s1.t4 TO x_pubgone WITH GRANT OPTION; GRANT EXECUTE ON FUNCTION s1.f_definer() TO x_pubgone WITH GRANT OPTION; ' +
        'SET ROLE x_pubgone; GRANT SELECT ON s1.t4 TO PUBLIC; GRANT EXECUTE ON FUNCTION s1.f_definer() TO PUBLIC; GRANT CREATE ON SCHEMA s1 TO PUBLIC',
    );
    const publicHolds = async () =>
      (await sql<{ t3: boolean; t4: boolean; f: boolean; create: boolean }>(
        db.url,
        `SELECT has_table_privilege('public', 's1.t3', 'SELECT') AS t3, has_table_privilege('public', 's1.t4', 'SELECT') AS t4, has_function_privilege('public', 's1.f_definer()', 'EXECUTE') AS f, has_schema_privilege('public', 's1', 'CREATE') AS create`,
      ))[0];
    expect(await publicHolds()).toEqual({ t3: true, t4: true, f: true, create: true });
    const changes = await converge(file);
    // Each as its grantor, first: then the owner takes x_pubgone's own privileges (CASCADE: it granted them onward).
    expect(changes).toEqual([
      'SET ROLE "x_pubgone"; REVOKE EXECUTE ON FUNCTION "s1".f_definer() FROM PUBLIC; RESET ROLE',
      'SET ROLE "x_pubgone"; REVOKE CREATE ON SCHEMA "s1" FROM PUBLIC; RESET ROLE',
      'SET ROLE "x_pubgone"; REVOKE SELECT ON TABLE "s1"."t4" FROM PUBLIC; RESET ROLE',
      'SET ROLE "x_pubopt"; REVOKE SELECT ON TABLE "s1"."t3" FROM PUBLIC; RESET ROLE',
      'REVOKE EXECUTE ON FUNCTION "s1".f_definer() FROM "x_pubgone" CASCADE',
      'REVOKE CREATE ON SCHEMA "s1" FROM "x_pubgone" CASCADE',
      'REVOKE USAGE ON SCHEMA "s1" FROM "x_pubgone"',
      'REVOKE SELECT ON TABLE "s1"."t4" FROM "x_pubgone" CASCADE',
    ]);
    expect(await publicHolds()).toEqual({ t3: false, t4: false, f: false, create: false });
    expect(await holds('x_pubopt', 's1.t3', 'SELECT WITH GRANT OPTION')).toBe(true);
    expect(await holds('x_pubgone', 's1.t4')).toBe(false);
  });
}

describe('roles.yaml converges in one apply on the embedded Postgres 18', () => {
  convergenceTests(() => startThrowawayCluster());
});

const unavailable = pg15UnavailableReason();
describe.skipIf(unavailable !== undefined)(`roles.yaml converges in one apply on Debian's PostgreSQL 15${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  convergenceTests(() => startPg15Cluster());
});
