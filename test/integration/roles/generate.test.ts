import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { startThrowawayCluster } from '../../../src/providers/embedded.js';
import { planRolesOn } from '../../../src/roles/apply.js';
import { generateRoles } from '../../../src/roles/generate.js';
import { parseRolesFile } from '../../../src/roles/load.js';
import { createDatabase, pg15UnavailableReason, sql, startPg15Cluster, type TestCluster } from './support.js';

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
}

describe('roles generate on the embedded Postgres 18', () => {
  generateTests(() => startThrowawayCluster());
});

const unavailable = pg15UnavailableReason();
describe.skipIf(unavailable !== undefined)(`roles generate on Debian's PostgreSQL 15${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  generateTests(() => startPg15Cluster());
});
