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
});
