import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBaseline } from '../../../src/baseline/baseline.js';
import { createDatabase, pg15UnavailableReason, sql, startPg15Cluster, type TestCluster } from '../roles/support.js';
import { runCli } from '../../support/cli.js';
import { tempProject } from '../../support/project.js';

const unavailable = pg15UnavailableReason();

// The replay runs on the embedded Postgres 18: what only one of the two versions can express
// (MAINTAIN, an extension's default version) is left out of the comparison, and said so.
describe.skipIf(unavailable !== undefined)(`baseline of a database on Debian's PostgreSQL 15${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startPg15Cluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('proves a Postgres 15 database on the embedded server, leaving out what only one version can express', async () => {
    const project = tempProject();
    try {
      const target = await createDatabase(cluster, 'baseline15');
      // Postgres 15 prints the view's query `SELECT t.id, t.name FROM t`, 16 and later `SELECT id, name FROM t`.
      await sql(target.url, 'CREATE EXTENSION pgcrypto; CREATE TABLE t (id int PRIMARY KEY, name text); CREATE VIEW v AS SELECT id, name FROM t');
      const plan = await planBaseline(project.config, target);
      expect(plan.versions.target).toBe(15);
      expect(plan.versions.replay).toBeGreaterThanOrEqual(17);
      expect(plan.explained).toEqual([]);
      expect(plan.differences).toEqual([]);
      expect(plan.leftOut).toEqual([
        expect.stringMatching(/^version of extension pgcrypto changed from 1\.3 to \d[.\d]* \(CREATE EXTENSION installs the server's own packaged default version/),
        'grant of MAINTAIN on table public.t to <migrator> was added (MAINTAIN exists from Postgres 17: Postgres 15 cannot express it)',
        'definition of view public.v (printed differently by another major version, same meaning)',
        'grant of MAINTAIN on view public.v to <migrator> was added (MAINTAIN exists from Postgres 17: Postgres 15 cannot express it)',
      ]);

      // Something both versions express is still compared: the proof is not switched off.
      await sql(target.url, 'CREATE ROLE baseline15_reader NOLOGIN; GRANT SELECT ON t TO baseline15_reader');
      const granted = await planBaseline(project.config, target);
      expect(granted.explained).toEqual([]);
      expect(granted.text).toContain('GRANT SELECT ON TABLE public.t TO baseline15_reader;');

      writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'migrations: migrations\n');
      const r = await runCli(['baseline', '--url', target.url], { cwd: project.root });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('the baseline gives the same schema.');
      expect(r.stdout).toMatch(/The database runs Postgres 15 and the replay ran on Postgres 1[7-9]: 4 difference\(s\) that only the two major versions explain were left out of the comparison:/);
      expect(r.stdout).toContain('  - definition of view public.v (printed differently by another major version, same meaning)\n');
      expect(r.stdout).not.toContain('not a difference');
      expect(r.stdout).toContain('Wrote migrations/');
    } finally {
      project.cleanup();
    }
  });
});
