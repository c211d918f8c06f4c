import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../../src/migrations/load.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { planDirection, runPlain, runTraced } from '../../../src/verify/execute.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith } from './history.js';

// A step's message ends with the snapshot's tail after its COMMIT: an error there must not be taken
// for the migration's, and a migration's error that merely names the tail's function must not be
// taken for the tail's.
describe('the tail of a step', () => {
  let db: DatabaseHandle;
  let client: pg.Client;
  let project: ReturnType<typeof projectWith>;
  beforeAll(async () => {
    project = projectWith([
      { name: 'good', up: 'CREATE TABLE good (id int);', down: 'DROP TABLE good;' },
      { name: 'names_the_function', up: 'CREATE TABLE bad (id int);\nSELECT pgwarden_changes.delta();', down: 'DROP TABLE bad;' },
    ]);
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.close();
    project?.cleanup();
  });
  const file = (slug: string) => loadMigrations(project.config.migrationsDir).find((m) => m.name.endsWith(`_${slug}`))!;
  const brokenTail = 'SELECT pgwarden_changes.delta(0::pg_catalog.int8, NULL, ARRAY[]::pg_catalog.text[]) AS pgwarden_delta';

  it('that fails leaves the migration applied and gives no value', async () => {
    const good = file('good');
    const traced = await runTraced(client, good, 'up', await planDirection(good, 'up'), [], { tail: brokenTail });
    expect(traced.error).toBeUndefined();
    expect(traced.tail).toBeUndefined();
    expect((await client.query(`SELECT pg_catalog.to_regclass('public.good') IS NOT NULL AS there`)).rows[0].there).toBe(true);
    await client.query('DROP TABLE good');
    const plain = await runPlain(client, good, await planDirection(good, 'up'), brokenTail);
    expect(plain.error).toBeUndefined();
    expect((await client.query(`SELECT pg_catalog.to_regclass('public.good') IS NOT NULL AS there`)).rows[0].there).toBe(true);
  });

  it('does not hide a migration whose own error names the function', async () => {
    const bad = file('names_the_function');
    const traced = await runTraced(client, bad, 'up', await planDirection(bad, 'up'), [], { tail: brokenTail });
    expect(traced.error?.message).toMatch(/pgwarden_changes/);
    expect((await client.query(`SELECT pg_catalog.to_regclass('public.bad') IS NULL AS gone`)).rows[0].gone).toBe(true);
    const plain = await runPlain(client, bad, await planDirection(bad, 'up'), brokenTail);
    expect(plain.error?.message).toMatch(/pgwarden_changes/);
    expect((await client.query(`SELECT pg_catalog.to_regclass('public.bad') IS NULL AS gone`)).rows[0].gone).toBe(true);
  });
});
