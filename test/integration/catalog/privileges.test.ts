import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDefaultPrivileges, readOwners, readPrivileges, type PrivilegeGrant } from '../../../src/catalog/privileges.js';
import { startThrowawayCluster, type EmbeddedServer } from '../../../src/providers/embedded.js';

// Roles are cluster-wide: this file runs on a cluster of its own.
describe('privileges, owners and default privileges', () => {
  let server: EmbeddedServer;
  let client: pg.Client;
  beforeAll(async () => {
    server = await startThrowawayCluster();
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE app');
    await admin.end();
    client = new pg.Client({ connectionString: server.url('app') });
    await client.connect();
    await client.query(`
      CREATE ROLE migrator; CREATE ROLE app_ro; CREATE ROLE "Odd Role";
      CREATE SCHEMA app AUTHORIZATION migrator;
      CREATE SCHEMA other;
      CREATE TABLE app.accounts (id int PRIMARY KEY, email text, secret text);
      ALTER TABLE app.accounts OWNER TO migrator;
      GRANT SELECT ON app.accounts TO app_ro;
      GRANT UPDATE (email) ON app.accounts TO app_ro;
      GRANT SELECT ON app.accounts TO "Odd Role" WITH GRANT OPTION;
      CREATE VIEW app.v AS SELECT id FROM app.accounts;
      CREATE SEQUENCE app.counter;
      CREATE TYPE app.mood AS ENUM ('sad', 'happy');
      REVOKE USAGE ON TYPE app.mood FROM PUBLIC;
      CREATE FUNCTION app.add(a integer, b app.mood) RETURNS integer LANGUAGE sql AS 'SELECT a';
      REVOKE EXECUTE ON FUNCTION app.add(integer, app.mood) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION app.add(integer, app.mood) TO app_ro;
      CREATE PROCEDURE app.noop() LANGUAGE sql AS 'SELECT 1';
      CREATE TABLE other.hidden (id int);
      GRANT USAGE ON SCHEMA app TO app_ro;
      GRANT CONNECT ON DATABASE app TO app_ro;
      ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA app GRANT SELECT ON TABLES TO app_ro;
      ALTER DEFAULT PRIVILEGES FOR ROLE migrator REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
      CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA app;
    `);
  });
  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  const find = (grants: PrivilegeGrant[], match: Partial<PrivilegeGrant>) => grants.filter((g) => Object.entries(match).every(([k, v]) => (g as unknown as Record<string, unknown>)[k] === v));

  it('explodes explicit ACLs, column ACLs and grant options', async () => {
    const grants = await readPrivileges(client);
    expect(find(grants, { schema: 'app', name: 'accounts', grantee: 'app_ro', objectType: 'table' }).map((g) => g.privilege)).toEqual(['SELECT']);
    expect(find(grants, { schema: 'app', name: 'accounts', objectType: 'column', grantee: 'app_ro' })).toEqual([
      { objectType: 'column', schema: 'app', name: 'accounts', column: 'email', grantee: 'app_ro', grantor: 'migrator', privilege: 'UPDATE', grantable: false },
    ]);
    expect(find(grants, { name: 'accounts', grantee: 'Odd Role' })).toEqual([
      { objectType: 'table', schema: 'app', name: 'accounts', grantee: 'Odd Role', grantor: 'migrator', privilege: 'SELECT', grantable: true },
    ]);
    // The owner's own privileges are explicit items of the ACL.
    expect(find(grants, { name: 'accounts', grantee: 'migrator', objectType: 'table' }).map((g) => g.privilege)).toContain('DELETE');
  });

  it('makes never-granted ACLs explicit with their defaults', async () => {
    const grants = await readPrivileges(client);
    expect(find(grants, { objectType: 'procedure', schema: 'app', name: 'noop()', grantee: 'PUBLIC' }).map((g) => g.privilege)).toEqual(['EXECUTE']);
    expect(find(grants, { objectType: 'sequence', name: 'counter' }).map((g) => `${g.grantee}:${g.privilege}`)).toEqual(['postgres:SELECT', 'postgres:UPDATE', 'postgres:USAGE']);
    expect(find(grants, { objectType: 'database', name: 'app', grantee: 'PUBLIC' }).map((g) => g.privilege)).toEqual(['CONNECT', 'TEMPORARY']);
    expect(find(grants, { objectType: 'database', name: 'app', grantee: 'app_ro' }).map((g) => g.privilege)).toEqual(['CONNECT']);
    expect(find(grants, { objectType: 'schema', name: 'app', grantee: 'app_ro' }).map((g) => g.privilege)).toEqual(['USAGE']);
  });

  it('names functions as regprocedure prints them without the schema, and records revokes', async () => {
    const grants = await readPrivileges(client);
    const add = find(grants, { objectType: 'function', schema: 'app' }).filter((g) => g.name.startsWith('add('));
    expect(add.map((g) => `${g.name} ${g.grantee} ${g.privilege}`)).toEqual(['add(integer,app.mood) app_ro EXECUTE', 'add(integer,app.mood) postgres EXECUTE']);
    expect(find(grants, { objectType: 'type', name: 'mood', grantee: 'PUBLIC' })).toEqual([]);
    expect(find(grants, { objectType: 'type', name: 'mood' }).map((g) => g.grantee)).toEqual(['postgres']);
  });

  it('leaves out extension members, array types and system schemas', async () => {
    const grants = await readPrivileges(client);
    // pg_trgm creates functions such as similarity(text,text) and a type gtrgm in schema app.
    expect(grants.some((g) => g.name.startsWith('similarity('))).toBe(false);
    expect(grants.some((g) => g.name === 'gtrgm')).toBe(false);
    expect(grants.some((g) => g.name === '_mood')).toBe(false);
    expect(grants.some((g) => g.schema === 'pg_catalog' || g.schema === 'information_schema')).toBe(false);
  });

  it('narrows to the schemas asked for, always with the database', async () => {
    const grants = await readPrivileges(client, { schemas: ['other'] });
    expect([...new Set(grants.map((g) => `${g.objectType} ${g.schema ?? ''}.${g.name}`))]).toEqual(['database .app', 'schema .other', 'table other.hidden']);
  });

  it('is sorted and stable', async () => {
    const a = await readPrivileges(client);
    const b = await readPrivileges(client);
    expect(b).toEqual(a);
    const keys = a.map((g) => [g.schema ?? '', g.name, g.objectType, g.column ?? '', g.grantee, g.privilege].join('\u0000'));
    expect(keys).toEqual([...keys].sort());
  });

  it('restores the session settings it changed', async () => {
    await client.query('SET search_path = app, public');
    await readPrivileges(client);
    expect((await client.query('SHOW search_path')).rows[0].search_path).toBe('app, public');
    await client.query('RESET search_path');
  });

  it('reads default privileges per role and schema, global ones with a null schema', async () => {
    const defaults = await readDefaultPrivileges(client);
    expect(defaults).toEqual([
      { role: 'migrator', schema: null, objectType: 'function', grantee: 'migrator', privilege: 'EXECUTE', grantable: false },
      { role: 'migrator', schema: 'app', objectType: 'table', grantee: 'app_ro', privilege: 'SELECT', grantable: false },
    ]);
    expect(await readDefaultPrivileges(client, { schemas: ['other'] })).toEqual([defaults[0]]);
  });

  it('reads owners of every kind of object', async () => {
    const owners = await readOwners(client, { schemas: ['app'] });
    const byName = Object.fromEntries(owners.map((o) => [`${o.objectType} ${o.schema ?? ''}.${o.name}`, o.owner]));
    expect(byName).toEqual({
      'database .app': 'postgres',
      'schema .app': 'migrator',
      'table app.accounts': 'migrator',
      'view app.v': 'postgres',
      'sequence app.counter': 'postgres',
      'type app.mood': 'postgres',
      'function app.add(integer,app.mood)': 'postgres',
      'procedure app.noop()': 'postgres',
    });
  });

  it("reads a global entry that takes the creating role's own privileges away: an empty ACL (which Postgres keeps) is no missing entry", async () => {
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE own_defaults');
    await admin.end();
    const own = new pg.Client({ connectionString: server.url('own_defaults') });
    await own.connect();
    try {
      await own.query('CREATE ROLE self_revoker');
      await own.query('ALTER DEFAULT PRIVILEGES FOR ROLE self_revoker REVOKE ALL ON TABLES FROM self_revoker');
      expect((await own.query<{ acl: string }>('SELECT defaclacl::text AS acl FROM pg_default_acl')).rows).toEqual([{ acl: '{}' }]);
      const tablePrivileges = ['DELETE', 'INSERT', 'MAINTAIN', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'];
      const revoked = (objectType: string, privileges: string[]) =>
        privileges.map((privilege) => ({ role: 'self_revoker', schema: null, objectType, grantee: 'self_revoker', privilege, grantable: false, revoked: true }));
      expect(await readDefaultPrivileges(own)).toEqual(revoked('table', tablePrivileges));

      // With a grant to another role besides, it does not read as that grant alone (as an entry that only adds to the defaults would).
      await own.query('ALTER DEFAULT PRIVILEGES FOR ROLE self_revoker GRANT SELECT ON TABLES TO app_ro');
      // Only UPDATE taken away on sequences: the rest of its own is listed as held, as for any entry that takes something away.
      await own.query('ALTER DEFAULT PRIVILEGES FOR ROLE self_revoker REVOKE UPDATE ON SEQUENCES FROM self_revoker');
      expect(await readDefaultPrivileges(own)).toEqual([
        { role: 'self_revoker', schema: null, objectType: 'sequence', grantee: 'self_revoker', privilege: 'SELECT', grantable: false },
        ...revoked('sequence', ['UPDATE']),
        { role: 'self_revoker', schema: null, objectType: 'sequence', grantee: 'self_revoker', privilege: 'USAGE', grantable: false },
        { role: 'self_revoker', schema: null, objectType: 'table', grantee: 'app_ro', privilege: 'SELECT', grantable: false },
        ...revoked('table', tablePrivileges),
      ]);

      // Given back, the entries equal the built-in default (sequences) or only add to it (tables): nothing is revoked.
      await own.query('ALTER DEFAULT PRIVILEGES FOR ROLE self_revoker GRANT ALL ON TABLES TO self_revoker; ALTER DEFAULT PRIVILEGES FOR ROLE self_revoker GRANT ALL ON SEQUENCES TO self_revoker');
      expect(await readDefaultPrivileges(own)).toEqual([{ role: 'self_revoker', schema: null, objectType: 'table', grantee: 'app_ro', privilege: 'SELECT', grantable: false }]);
    } finally {
      await own.end();
    }
  });
});
