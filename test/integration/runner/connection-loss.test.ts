import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { acquireRunLock } from '../../../src/runner/lock.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

describe('a connection lost outside a migration', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('is a connection error (exit 3) with a clear message, not an internal error', async () => {
    project.write('20260101000000_a.sql', sqlMigration('20260101000000', undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    // Another session holds the run lock, so up waits for it (polling, idle between polls); then the
    // server ends up's session.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await acquireRunLock(holder, project.config.ledger);
      const run = runCli(['up', '--url', db.url, '--wait', '60'], { cwd: project.root });
      const end = Date.now() + 20_000;
      let terminated = false;
      while (!terminated && Date.now() < end) {
        const rows = await query<{ t: boolean }>(
          db.url,
          `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'pgwarden/%'`,
        );
        terminated = rows.some((r) => r.t);
        if (!terminated) await new Promise((r) => setTimeout(r, 50));
      }
      expect(terminated).toBe(true);
      const result = await run;
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/error\[CONNECTION_FAILED\]: Lost the connection to postgresql:\/\/postgres:\*\*\*@[^ ]+: (terminating connection due to administrator command|Connection terminated unexpectedly|Client has encountered a connection error and is not queryable)\. The server stopped or ended this session/);
      expect(result.stderr).not.toContain('internal error');
    } finally {
      await holder.end();
    }
  });
});
