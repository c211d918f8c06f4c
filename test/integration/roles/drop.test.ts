import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { startThrowawayCluster, type EmbeddedServer } from '../../../src/providers/embedded.js';
import { applyRoles, planRolesOn } from '../../../src/roles/apply.js';
import { parseRolesFile } from '../../../src/roles/load.js';
import { sql } from './support.js';

const rolesYaml = (drop: boolean) => `
managed:
  prefixes: [fleet_]
${drop ? '  dropUndeclared: true\n  reassignOwnedTo: migrator\n' : ''}
roles:
  migrator: {}
  fleet_app:
    login: true
`;

describe('managed roles the file does not declare', () => {
  let server: EmbeddedServer;
  let db: DatabaseHandle;
  beforeAll(async () => {
    server = await startThrowawayCluster();
    await sql(server.url('postgres'), 'CREATE DATABASE main_db');
    await sql(server.url('postgres'), 'CREATE DATABASE other_db');
    db = { url: server.url('main_db'), display: 'main_db', provider: 'url', environment: undefined, close: async () => {} };
    // fleet_old owns a table here, holds a grant and default privileges in another database,
    // and is a member of a group; a role outside the prefix is not managed at all.
    await sql(server.url('postgres'), 'CREATE ROLE fleet_old LOGIN; CREATE ROLE bystander LOGIN');
    await sql(db.url, 'CREATE TABLE kept (id int); ALTER TABLE kept OWNER TO fleet_old');
    await sql(server.url('other_db'), 'CREATE TABLE elsewhere (id int); GRANT SELECT ON elsewhere TO fleet_old; ALTER DEFAULT PRIVILEGES FOR ROLE fleet_old GRANT SELECT ON TABLES TO bystander');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('are reported and left alone by default', async () => {
    const roles = parseRolesFile(rolesYaml(false), 'roles.yaml');
    const plan = await planRolesOn(db, roles);
    expect(plan.undeclared).toEqual(['fleet_old']);
    expect(plan.changes.some((c) => c.group === 'drops' || c.sql.includes('fleet_old'))).toBe(false);
    await applyRoles(db, roles, { expected: plan });
    expect(await sql(db.url, `SELECT 1 FROM pg_roles WHERE rolname = 'fleet_old'`)).toHaveLength(1);
    expect((await planRolesOn(db, roles)).undeclared).toEqual(['fleet_old']);
  });

  it('are dropped safely when dropUndeclared is on: REASSIGN OWNED and DROP OWNED in every database, then DROP ROLE', async () => {
    const roles = parseRolesFile(rolesYaml(true), 'roles.yaml');
    const plan = await planRolesOn(db, roles);
    expect(plan.changes.filter((c) => c.group === 'drops').map((c) => `${c.database}: ${c.sql}`)).toEqual([
      'other_db: REASSIGN OWNED BY "fleet_old" TO "migrator"',
      'other_db: DROP OWNED BY "fleet_old"',
      'postgres: REASSIGN OWNED BY "fleet_old" TO "migrator"',
      'postgres: DROP OWNED BY "fleet_old"',
      'main_db: REASSIGN OWNED BY "fleet_old" TO "migrator"',
      'main_db: DROP OWNED BY "fleet_old"',
      'main_db: DROP ROLE "fleet_old"',
    ]);
    await applyRoles(db, roles, { expected: plan });
    expect(await sql(db.url, `SELECT 1 FROM pg_roles WHERE rolname = 'fleet_old'`)).toHaveLength(0);
    expect(await sql(db.url, `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'kept'`)).toEqual([{ owner: 'migrator' }]);
    expect(await sql(db.url, `SELECT 1 FROM pg_roles WHERE rolname = 'bystander'`)).toHaveLength(1);
    const after = await planRolesOn(db, roles);
    expect(after.changes).toEqual([]);
    expect(after.undeclared).toEqual([]);
  });

  it('commit nothing anywhere when a statement of the main transaction fails, and say so', async () => {
    await sql(server.url('postgres'), 'CREATE ROLE fleet_gone');
    await sql(server.url('other_db'), 'CREATE TABLE gone_owned (id int); ALTER TABLE gone_owned OWNER TO fleet_gone');
    const roles = parseRolesFile(rolesYaml(true).replace('  migrator: {}', '  migrator:\n    settings: { work_mem: banana }'), 'roles.yaml');
    const plan = await planRolesOn(db, roles);
    expect(plan.changes.some((c) => c.database === 'other_db' && c.sql === 'REASSIGN OWNED BY "fleet_gone" TO "migrator"')).toBe(true);
    const error = await applyRoles(db, roles, { expected: plan }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR', exitCode: 3 });
    expect((error as Error).message).toMatch(/In main_db, ALTER ROLE "migrator" SET "work_mem" = 'banana' failed: .*The transaction for main_db was rolled back\. Nothing was committed in any database\.$/);
    expect(await sql(server.url('other_db'), `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'gone_owned'`)).toEqual([{ owner: 'fleet_gone' }]);
  });

  it('say what was committed where when a drop fails after the main transaction', async () => {
    // A database that takes no connections cannot be visited: what fleet_gone owns there stops DROP ROLE.
    await sql(server.url('postgres'), 'CREATE DATABASE closed_db');
    await sql(server.url('closed_db'), 'CREATE TABLE held (id int); ALTER TABLE held OWNER TO fleet_gone');
    await sql(server.url('postgres'), 'ALTER DATABASE closed_db ALLOW_CONNECTIONS false');
    const roles = parseRolesFile(rolesYaml(true).replace('  migrator: {}', '  migrator:\n    comment: owns the schema'), 'roles.yaml');
    const error = await applyRoles(db, roles).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR' });
    expect((error as Error).message).toMatch(
      /^In main_db, DROP ROLE "fleet_gone" failed: .*The transaction for main_db was rolled back\. Already committed: 1 statement in main_db; REASSIGN OWNED BY "fleet_gone" TO "migrator", DROP OWNED BY "fleet_gone" in other_db; .* in postgres\. Fix the cause and apply again: the next plan continues from there\.$/,
    );
    expect(await sql(db.url, `SELECT shobj_description(oid, 'pg_authid') AS c FROM pg_roles WHERE rolname = 'migrator'`)).toEqual([{ c: 'owns the schema' }]);
    expect(await sql(server.url('other_db'), `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'gone_owned'`)).toEqual([{ owner: 'migrator' }]);
    await sql(server.url('postgres'), 'DROP DATABASE closed_db');
    const after = await planRolesOn(db, roles);
    expect(after.changes.map((c) => c.sql)).toContain('DROP ROLE "fleet_gone"');
    await applyRoles(db, roles, { expected: after });
    expect(await sql(db.url, `SELECT 1 FROM pg_roles WHERE rolname = 'fleet_gone'`)).toHaveLength(0);
  });

  it('never reports success for a statement that ran but changed nothing', async () => {
    // An event trigger undoes every GRANT on the table: the GRANT runs without error, and takes no effect.
    await sql(
      db.url,
      `CREATE TABLE undone (id int);
       CREATE FUNCTION undo_grants() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN REVOKE ALL ON public.undone FROM fleet_app; END $$;
       CREATE EVENT TRIGGER undo_grants ON ddl_command_end WHEN TAG IN ('GRANT') EXECUTE FUNCTION undo_grants();`,
    );
    const roles = parseRolesFile(`${rolesYaml(false)}    comment: the app\ngrants:\n  - to: fleet_app\n    schema: public\n    tables: [undone]\n    privileges: { tables: [SELECT] }\n`, 'roles.yaml');
    const plan = await planRolesOn(db, roles);
    expect(plan.changes.map((c) => c.sql)).toEqual(expect.arrayContaining([`COMMENT ON ROLE "fleet_app" IS 'the app'`, 'GRANT SELECT ON TABLE "public"."undone" TO "fleet_app"']));
    const error = await applyRoles(db, roles, { expected: plan }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL', exitCode: 70 });
    expect((error as Error).message).toContain('ran without error but the database still differs from roles.yaml afterwards, so pgwarden planned them wrongly: GRANT SELECT ON TABLE "public"."undone" TO "fleet_app". The transaction for main_db was rolled back; nothing was applied.');
    // Rolled back: not even the comment was kept.
    expect(await sql(db.url, `SELECT shobj_description(oid, 'pg_authid') AS c FROM pg_roles WHERE rolname = 'fleet_app'`)).toEqual([{ c: null }]);
    await sql(db.url, 'DROP EVENT TRIGGER undo_grants; DROP FUNCTION undo_grants(); DROP TABLE undone');
  });
});
