import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { startThrowawayCluster } from '../../../src/providers/embedded.js';
import { applyRoles, planRolesOn } from '../../../src/roles/apply.js';
import { generateRoles } from '../../../src/roles/generate.js';
import { parseRolesFile } from '../../../src/roles/load.js';
import { createDatabase, sql, type TestCluster } from './support.js';

/** Values Postgres stores in another form than the file writes them: one apply must be enough. */
describe('roles.yaml values that Postgres normalises converge in one apply', () => {
  let cluster: TestCluster;
  let db: DatabaseHandle;
  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    db = await createDatabase(cluster, 'conv');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const converge = async (text: string) => {
    const roles = parseRolesFile(text, 'roles.yaml');
    const plan = await planRolesOn(db, roles);
    await applyRoles(db, roles, { expected: plan });
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
});
