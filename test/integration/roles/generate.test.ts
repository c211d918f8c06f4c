import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { startThrowawayCluster } from '../../../src/providers/embedded.js';
import { planRolesOn } from '../../../src/roles/apply.js';
import { generateRoles } from '../../../src/roles/generate.js';
import { parseRolesFile } from '../../../src/roles/load.js';
import { createDatabase, loginUrl, pg15UnavailableReason, sql, startPg15Cluster, type TestCluster } from './support.js';

/** Roles and privileges a DBA made by hand over the years, in every shape roles.yaml can say. */
const HAND_MADE = `
  CREATE ROLE owner_x;
  CREATE SCHEMA app AUTHORIZATION owner_x;
  SET ROLE owner_x;
  CREATE TABLE app.a (id int, secret text);
  CREATE TABLE app.b (id int);
  CREATE VIEW app.v AS SELECT id FROM app.a;
  CREATE SEQUENCE app.s;
  CREATE FUNCTION app.f(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x';
  CREATE FUNCTION app.f(x text) RETURNS text LANGUAGE sql AS 'SELECT x';
  CREATE FUNCTION app.definer() RETURNS integer LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
  CREATE PROCEDURE app.p() LANGUAGE sql AS 'SELECT 1';
  CREATE TYPE app.mood AS ENUM ('calm', 'busy');
  CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
  RESET ROLE;
  CREATE ROLE reader;
  CREATE ROLE writer NOINHERIT CONNECTION LIMIT 3 VALID UNTIL '2031-01-01 00:00:00+00';
  CREATE ROLE "Mixed Case";
  CREATE ROLE svc LOGIN IN ROLE writer;
  ALTER ROLE svc SET search_path = "$user", app, public;
  ALTER ROLE svc SET statement_timeout = '10s';
  COMMENT ON ROLE reader IS 'Reads the app schema';
  GRANT reader TO writer WITH ADMIN OPTION;
  GRANT USAGE ON SCHEMA app TO reader, writer, "Mixed Case";
  GRANT SELECT ON ALL TABLES IN SCHEMA app TO reader;
  GRANT SELECT, INSERT ON app.a TO writer;
  GRANT SELECT ON app.b TO writer WITH GRANT OPTION;
  GRANT SELECT (id), UPDATE (secret) ON app.a TO "Mixed Case";
  GRANT EXECUTE ON FUNCTION app.f(integer) TO writer;
  GRANT EXECUTE ON PROCEDURE app.p() TO writer;
  GRANT USAGE ON TYPE app.mood TO writer;
  GRANT USAGE, SELECT ON SEQUENCE app.s TO writer;
  REVOKE EXECUTE ON FUNCTION app.definer() FROM PUBLIC;
  ALTER DEFAULT PRIVILEGES FOR ROLE owner_x IN SCHEMA app GRANT SELECT ON TABLES TO reader;
  ALTER DEFAULT PRIVILEGES FOR ROLE owner_x GRANT EXECUTE ON FUNCTIONS TO writer;
`;

function generateTests(start: () => Promise<TestCluster>) {
  let cluster: TestCluster;
  let db: DatabaseHandle;
  beforeAll(async () => {
    cluster = await start();
    db = await createDatabase(cluster, 'legacy');
    await sql(db.url, HAND_MADE);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('describes a hand-made database such that the plan is empty', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const generated = await generateRoles(client, { environment: 'legacy' }).finally(() => client.end());
    const roles = parseRolesFile(generated.text, 'generated.yaml');
    const plan = await planRolesOn(db, roles, { environment: 'legacy' });
    expect(plan.changes).toEqual([]);
    expect(plan.undeclared).toEqual([]);

    const spec = roles.spec;
    expect(Object.keys(spec.roles ?? {}).sort()).toEqual(['Mixed Case', 'owner_x', 'reader', 'writer']);
    expect(spec.environments?.legacy?.roles?.svc).toEqual({
      login: true,
      settings: { search_path: '"$user", app, public', statement_timeout: '10s' },
      memberOf: ['writer'],
    });
    expect(spec.roles?.writer).toMatchObject({ inherit: false, connectionLimit: 3, validUntil: '2031-01-01T00:00:00.000000Z', memberOf: [{ role: 'reader', admin: true }] });
    expect(spec.roles?.reader?.comment).toBe('Reads the app schema');
    expect(spec.grants).toContainEqual({ to: 'reader', schema: 'app', privileges: { schema: ['USAGE'], tables: ['SELECT'] }, tables: '*' });
    expect(spec.grants).toContainEqual({ to: 'Mixed Case', schema: 'app', privileges: { columns: ['SELECT'] }, columns: { a: ['id'] } });
    expect(spec.grants).toContainEqual({ to: 'writer', schema: 'app', privileges: { tables: ['SELECT'] }, tables: ['b'], withGrantOption: true });
    expect(spec.grants).toContainEqual({ to: 'writer', schema: 'app', privileges: { functions: ['EXECUTE'] }, functions: ['f(integer)', 'p()'] });
    expect(spec.defaultPrivileges).toContainEqual({ for: 'owner_x', to: 'writer', privileges: { functions: ['EXECUTE'] }, on: ['functions'] });
    expect(spec.public).toEqual({ schemas: ['app', 'public'], noCreateOnSchema: true, noTablePrivileges: true, noSecurityDefinerExecute: true });
  });

  it('finds drift on the generated file once somebody changes a grant', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const generated = await generateRoles(client).finally(() => client.end());
    const roles = parseRolesFile(generated.text, 'generated.yaml');
    await sql(db.url, 'GRANT DELETE ON app.b TO reader; REVOKE EXECUTE ON FUNCTION app.f(integer) FROM writer');
    const plan = await planRolesOn(db, roles);
    expect(plan.changes.map((c) => c.sql).sort()).toEqual(['GRANT EXECUTE ON FUNCTION "app".f(integer) TO "writer"', 'REVOKE DELETE ON TABLE "app"."b" FROM "reader"']);
  });

  it('says which membership the file cannot write as it is: granted by two grantors with different options (Postgres 16 and later)', async () => {
    const twice = await createDatabase(cluster, 'two_grantors');
    const pg16 = Number((await sql<{ v: string }>(twice.url, "SELECT current_setting('server_version_num') AS v"))[0]!.v) >= 160000;
    // tg_member is granted tg_group by postgres with ADMIN, then by tg_lead without: two rows on 16
    // and later; on 15 the second GRANT only says the role is already a member (one row, with ADMIN).
    await sql(
      twice.url,
      `CREATE ROLE tg_group; CREATE ROLE tg_lead; CREATE ROLE tg_member;
       GRANT tg_group TO tg_lead WITH ADMIN OPTION;
       GRANT tg_group TO tg_member WITH ADMIN OPTION;
       SET ROLE tg_lead; GRANT tg_group TO tg_member; RESET ROLE;`,
    );
    try {
      expect(await sql(twice.url, "SELECT 1 FROM pg_auth_members WHERE member = 'tg_member'::regrole")).toHaveLength(pg16 ? 2 : 1);
      const client = new pg.Client({ connectionString: twice.url });
      await client.connect();
      const generated = await generateRoles(client).finally(() => client.end());
      const roles = parseRolesFile(generated.text, 'generated.yaml');
      expect(roles.spec.roles?.tg_member?.memberOf).toEqual([{ role: 'tg_group', admin: true }]);
      const plan = await planRolesOn(twice, roles);
      if (!pg16) {
        expect(generated.warnings).toEqual([]);
        expect(plan.changes).toEqual([]);
        return;
      }
      const revoke = 'REVOKE "tg_group" FROM "tg_member" GRANTED BY "tg_lead"';
      expect(generated.warnings).toEqual([
        `tg_member's membership in tg_group is granted by postgres (admin true, inherit true, set true) and by tg_lead (admin false, inherit true, set true): ` +
          `a roles file holds one membership per group, so the file says the options of the grant by postgres, and roles apply will revoke the other (${revoke}). ` +
          'If tg_member should have other options in tg_group, change its memberOf entry before applying.',
      ]);
      // The plan is not empty, and does what the warning says.
      expect(plan.changes.map((c) => c.sql)).toEqual([revoke]);
    } finally {
      await sql(cluster.url('postgres'), 'DROP DATABASE two_grantors');
      await sql(cluster.url('postgres'), 'DROP ROLE tg_member; DROP ROLE tg_lead; DROP ROLE tg_group');
    }
  });

  it('round trip over awkward cases: the file loads and plans to nothing, applied by a user other than postgres', async () => {
    const awkward = await createDatabase(cluster, 'awkward');
    // The applying user is a superuser of its own (not postgres), and a role is a member of it.
    await sql(cluster.url('postgres'), `CREATE ROLE rt_deployer LOGIN SUPERUSER PASSWORD 'rt-deployer-pw'`);
    const pg16 = Number((await sql<{ v: string }>(awkward.url, "SELECT current_setting('server_version_num') AS v"))[0]!.v) >= 160000;
    await sql(
      awkward.url,
      `CREATE ROLE rt_owner;
       CREATE SCHEMA rt AUTHORIZATION rt_owner;
       SET ROLE rt_owner;
       CREATE TABLE rt.t (id int, note text);
       CREATE TABLE rt.u (id int);
       CREATE FUNCTION rt.definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
       RESET ROLE;
       CREATE ROLE rt_helper IN ROLE rt_deployer;
       CREATE ROLE rt_ops SUPERUSER;
       CREATE ROLE rt_ops_member IN ROLE rt_ops;
       CREATE ROLE rt_attrs CREATEDB CREATEROLE REPLICATION BYPASSRLS NOINHERIT CONNECTION LIMIT 7 VALID UNTIL '2030-06-01 12:00:00+02';
       COMMENT ON ROLE rt_attrs IS E'Line one: "quoted" #not a comment\n  - not a list\n\n[pgwarden password-version: 4]';
       CREATE ROLE rt_forever VALID UNTIL 'infinity';
       COMMENT ON ROLE rt_forever IS '';
       CREATE ROLE rt_login LOGIN CONNECTION LIMIT 2 VALID UNTIL '2029-12-31 23:59:59.5+00' IN ROLE rt_helper;
       ALTER ROLE rt_login SET search_path = "$user", rt; ALTER ROLE rt_login SET "TimeZone" = 'Europe/Paris';
       CREATE ROLE rt_group; CREATE ROLE rt_group_admin; GRANT rt_group TO rt_group_admin WITH ADMIN OPTION;
       CREATE ROLE rt_twice IN ROLE rt_group;
       ${pg16 ? 'SET ROLE rt_group_admin; GRANT rt_group TO rt_twice; RESET ROLE;' : ''}
       -- PUBLIC: a table privilege from the owner, and one from a role through its grant option.
       GRANT SELECT ON rt.t TO PUBLIC;
       GRANT USAGE ON SCHEMA rt TO rt_helper WITH GRANT OPTION;
       GRANT SELECT ON rt.u TO rt_helper WITH GRANT OPTION;
       SET ROLE rt_helper; GRANT SELECT ON rt.u TO PUBLIC; RESET ROLE;
       GRANT UPDATE (note) ON rt.t TO rt_login;
       -- Default privileges: for the applying user, global ones on schemas, with grant option, and
       -- one that takes Postgres's built-in EXECUTE for PUBLIC away.
       ALTER DEFAULT PRIVILEGES FOR ROLE rt_owner IN SCHEMA rt GRANT SELECT, INSERT ON TABLES TO rt_helper;
       ALTER DEFAULT PRIVILEGES FOR ROLE rt_deployer GRANT USAGE ON SCHEMAS TO rt_helper;
       ALTER DEFAULT PRIVILEGES FOR ROLE rt_owner GRANT USAGE ON SEQUENCES TO rt_login WITH GRANT OPTION;
       ALTER DEFAULT PRIVILEGES FOR ROLE rt_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
       ALTER DEFAULT PRIVILEGES FOR ROLE rt_ops GRANT SELECT ON TABLES TO rt_ops_member;`,
    );
    const as = loginUrl(awkward.url, 'rt_deployer', 'rt-deployer-pw');
    const client = new pg.Client({ connectionString: as });
    await client.connect();
    const generated = await generateRoles(client, { environment: 'prod' }).finally(() => client.end());
    const roles = parseRolesFile(generated.text, 'generated.yaml');
    expect(roles.spec.managed?.ignore).toEqual(['rt_deployer', 'rt_ops']);
    expect(generated.leftOut).toEqual(['rt_ops']);
    expect(roles.spec.roles?.rt_ops).toBeUndefined();
    expect(roles.spec.roles?.rt_helper?.memberOf).toEqual(['rt_deployer']);
    expect(roles.spec.roles?.rt_ops_member?.memberOf).toEqual(['rt_ops']);
    // Postgres 16 and later: the same membership from two grantors is written once, and kept as it is.
    expect(await sql(awkward.url, "SELECT 1 FROM pg_auth_members WHERE member = 'rt_twice'::regrole")).toHaveLength(pg16 ? 2 : 1);
    expect(roles.spec.roles?.rt_twice?.memberOf).toEqual(['rt_group']);
    expect(roles.spec.roles?.rt_attrs).toMatchObject({ createdb: true, createrole: true, replication: true, bypassrls: true, inherit: false, connectionLimit: 7, comment: 'Line one: "quoted" #not a comment\n  - not a list' });
    expect(roles.spec.environments?.prod?.roles?.rt_login).toMatchObject({ login: true, connectionLimit: 2, settings: { search_path: '"$user", rt', timezone: 'Europe/Paris' }, memberOf: ['rt_helper'] });
    expect(roles.spec.public?.noTablePrivileges).toBeUndefined();

    const db = { ...awkward, url: as };
    const plan = await planRolesOn(db, roles, { environment: 'prod' });
    expect(plan.changes.map((c) => c.sql)).toEqual([]);
    expect(plan.undeclared).toEqual([]);
    // And it is a working file: a change by hand shows up, and applying the file undoes it.
    await sql(awkward.url, 'REVOKE rt_deployer FROM rt_helper; GRANT DELETE ON rt.u TO rt_helper');
    const drifted = await planRolesOn(db, roles, { environment: 'prod' });
    expect(drifted.changes.map((c) => c.sql).sort()).toEqual([expect.stringMatching(/^GRANT "rt_deployer" TO "rt_helper"/), 'REVOKE DELETE ON TABLE "rt"."u" FROM "rt_helper"']);
  });
}

describe('roles generate on the embedded Postgres 18', () => {
  generateTests(() => startThrowawayCluster());
});

const unavailable = pg15UnavailableReason();
describe.skipIf(unavailable !== undefined)(`roles generate on Debian's PostgreSQL 15${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  generateTests(() => startPg15Cluster());
});
