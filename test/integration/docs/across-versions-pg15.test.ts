import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { adminUrl, createTestDatabase } from '../../support/db.js';
import { REPO_ROOT, sqlMigration, tempProject } from '../../support/project.js';
import { createDatabase, pg15UnavailableReason, sql, startPg15Cluster, type TestCluster } from '../roles/support.js';

const unavailable = pg15UnavailableReason();

/** A project holding this repository's migrations, schema/ (generated on Postgres 18) and config. */
function referenceProject() {
  const project = tempProject({ copyReference: true });
  cpSync(join(REPO_ROOT, 'schema'), join(project.root, 'schema'), { recursive: true });
  cpSync(join(REPO_ROOT, 'pgwarden.config.yaml'), join(project.root, 'pgwarden.config.yaml'));
  return project;
}

// The documented CI recipe runs `pgwarden check` on Postgres 15 and 17 against a schema/ generated
// on the embedded Postgres 18: what only the server's major version decides must not make it stale.
describe.skipIf(unavailable !== undefined)(`docs --check, check and drift on Debian's PostgreSQL 15 against schema/ from Postgres 18${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startPg15Cluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("finds this repository's committed schema/ current on Postgres 15, and says what it set aside", async () => {
    const project = referenceProject();
    try {
      const env = { DATABASE_URL: cluster.url() };
      const docs = await runCli(['docs', '--check'], { cwd: project.root, env });
      expect(docs.code, docs.stdout + docs.stderr).toBe(0);
      expect(docs.stdout).toContain('schema/ is current: snapshot.json, README.md, schema.sql match the 16 migrations');
      expect(docs.stdout).toMatch(/ {2}- 16 MAINTAIN grants the committed snapshot has and the regenerated one has not \(MAINTAIN exists from Postgres 17: Postgres 15 cannot express it\)\n/);

      const check = await runCli(['check', '--skip', 'lint', '--skip', 'roles'], { cwd: project.root, env });
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toMatch(/^docs +passed +0 +0 .* current \(differing only in what the Postgres major version decides\);/m);

      // A real difference is still one: a column the migrations do not make.
      const path = join(project.root, 'schema', 'snapshot.json');
      const snapshot = JSON.parse(readFileSync(path, 'utf8'));
      expect(snapshot.tables['public.users'].columns[1].name).toBe('username');
      snapshot.tables['public.users'].columns[1].type = 'character varying(100)';
      writeFileSync(path, `${JSON.stringify(snapshot, null, 2)}\n`);
      const stale = await runCli(['docs', '--check'], { cwd: project.root, env });
      expect(stale.code, stale.stdout + stale.stderr).toBe(1);
      expect(stale.stdout).toContain('schema/ is stale: schema/snapshot.json differs from what the migrations produce.');
      // Said in words before the diff, which also shows the MAINTAIN grants, with why they are no difference.
      expect(stale.stdout).toContain(
        "The committed snapshot differs from the migrations' schema in 1 place:\n  - type of column public.users.username changed from character varying(100) to text\nIt was generated on another major version of Postgres; the diff also shows what only that explains (not a difference):\n  - 16 MAINTAIN grants",
      );
    } finally {
      project.cleanup();
    }
  });

  it("sets an extension's packaged default version aside between Postgres 18 and 15, as baseline does, and says why; on one major it is drift, and says that", async () => {
    const project = tempProject();
    try {
      writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'migrations: migrations\ndocs: { requireComment: off }\n');
      project.write('20260101000000_crypto.sql', sqlMigration('20260101000000', undefined, 'CREATE EXTENSION pgcrypto;\nCREATE TABLE t (id int PRIMARY KEY);', 'DROP TABLE t;\nDROP EXTENSION pgcrypto;'));
      // schema/ from Postgres 18, where CREATE EXTENSION pgcrypto installs 1.4; Postgres 15 installs 1.3.
      const docs = await runCli(['docs'], { cwd: project.root, env: { DATABASE_URL: adminUrl() } });
      expect(docs.code, docs.stdout + docs.stderr).toBe(0);
      const committed = JSON.parse(readFileSync(join(project.root, 'schema', 'snapshot.json'), 'utf8'));
      expect(committed.postgresMajor).toBeGreaterThanOrEqual(17);
      const major = committed.postgresMajor as number;
      expect(committed.extensions.pgcrypto.version).toBe('1.4');
      const setAside = `version of extension pgcrypto changed from 1.4 to 1.3 (CREATE EXTENSION installs the server's own packaged default version, which differs between major versions: Postgres ${major} and 15 here)`;

      const check = await runCli(['docs', '--check'], { cwd: project.root, env: { DATABASE_URL: cluster.url() } });
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain('schema/ is current');
      expect(check.stdout).toContain(`  - ${setAside}\n`);

      const target = await createDatabase(cluster, 'crypto15');
      expect((await runCli(['up', '--url', target.url], { cwd: project.root })).code).toBe(0);
      expect(await sql(target.url, `SELECT extversion FROM pg_extension WHERE extname = 'pgcrypto'`)).toEqual([{ extversion: '1.3' }]);
      const drift = await runCli(['drift', '--url', target.url], { cwd: project.root });
      expect(drift.code, drift.stdout + drift.stderr).toBe(0);
      expect(drift.stdout).toContain('No drift:');
      expect(drift.stdout).toContain(`Set aside, as only the two servers' major versions explain them:\n  - 1 MAINTAIN grant schema/snapshot.json has and the database has not (MAINTAIN exists from Postgres 17: Postgres 15 cannot express it)\n  - ${setAside}\n`);
      const json = JSON.parse((await runCli(['drift', '--url', target.url, '--json'], { cwd: project.root })).stdout);
      expect(json.versionOnly).toContain(setAside);

      // On the major the snapshot was made on, another version is drift, and the message says why it counts.
      const same = await createTestDatabase();
      try {
        await sql(same.url, "CREATE EXTENSION pgcrypto VERSION '1.3'; CREATE TABLE t (id int PRIMARY KEY)");
        const real = await runCli(['drift', '--url', same.url], { cwd: project.root });
        expect(real.code, real.stdout + real.stderr).toBe(1);
        expect(real.stdout).toContain(`  version of extension pgcrypto is 1.3, expected 1.4 (both servers run Postgres ${major}: not explained by the major version)\n`);
      } finally {
        await same.close();
      }
    } finally {
      project.cleanup();
    }
  });

  it('a database with a view: baseline on 15, docs on 18, then drift and docs --check on 15 compare the view by its meaning', async () => {
    const project = tempProject();
    try {
      writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'migrations: migrations\ndocs: { requireComment: off }\n');
      const target = await createDatabase(cluster, 'shop15');
      await sql(target.url, 'CREATE TABLE customers (id int PRIMARY KEY, name text, region text); CREATE VIEW v AS SELECT id, name FROM customers WHERE region = \'eu\'');
      const baseline = await runCli(['baseline', '--url', target.url], { cwd: project.root });
      expect(baseline.code, baseline.stdout + baseline.stderr).toBe(0);
      // schema/ is generated on Postgres 18, which prints the view without qualifying its columns.
      const docs = await runCli(['docs'], { cwd: project.root, env: { DATABASE_URL: adminUrl() } });
      expect(docs.code, docs.stdout + docs.stderr).toBe(0);
      const committed = JSON.parse(readFileSync(join(project.root, 'schema', 'snapshot.json'), 'utf8'));
      expect(committed.views['public.v'].definition).toContain(' SELECT id,\n');

      const drift = await runCli(['drift', '--url', target.url], { cwd: project.root });
      expect(drift.stdout + drift.stderr).toContain('No drift:');
      expect(drift.code).toBe(0);

      const check = await runCli(['docs', '--check'], { cwd: project.root, env: { DATABASE_URL: cluster.url() } });
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain('  - definition of view public.v (printed differently by another major version, same meaning)\n');

      // The same view with another condition is drift.
      await sql(target.url, "CREATE OR REPLACE VIEW v AS SELECT id, name FROM customers WHERE region = 'us'");
      const changed = await runCli(['drift', '--url', target.url], { cwd: project.root });
      expect(changed.code, changed.stdout + changed.stderr).toBe(1);
      expect(changed.stdout).toContain("definition of view public.v is SELECT customers.id, customers.name FROM public.customers WHERE customers.region = 'us'::text;, expected SELECT id, name FROM public.customers WHERE region = 'eu'::text;");
    } finally {
      project.cleanup();
    }
  });
});
