import { describe, expect, it } from 'vitest';
import { dockerUnavailableReason, startPostgresContainer } from '../../../src/providers/testcontainers.js';
import { runMigrations } from '../../../src/runner/run.js';
import { query } from '../../support/db.js';
import { sqlMigration, tempProject } from '../../support/project.js';

const reason = await dockerUnavailableReason();

describe('the testcontainers provider', () => {
  it('refuses clearly when no Docker engine is reachable', async (ctx) => {
    if (!reason) ctx.skip('a Docker engine is reachable here: the refusal cannot be observed');
    // The reason is about Docker, not a package that failed to load on this Node version.
    expect(reason).toMatch(/^no Docker engine is reachable \(/);
    expect(reason).not.toMatch(/Cannot read properties|is not a function|Cannot find (module|package)/);
    await expect(startPostgresContainer('17')).rejects.toThrow(/The testcontainers provider needs Docker: no Docker engine is reachable/);
  });

  it('runs postgres:17 in Docker and applies migrations to it', async (ctx) => {
    if (reason) ctx.skip(`testcontainers needs Docker: ${reason}`);
    const project = tempProject();
    const db = await startPostgresContainer('17');
    try {
      project.write('20260101000000_a.sql', sqlMigration('20260101000000', undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
      await runMigrations(project.config, db, 'up');
      expect(await query(db.url, `SELECT current_setting('server_version_num')::int / 10000 AS v`)).toEqual([{ v: 17 }]);
    } finally {
      await db.close();
      project.cleanup();
    }
  });
});
