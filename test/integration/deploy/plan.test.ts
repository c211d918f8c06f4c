import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locksOf, readVerifiedLocks, writeVerifiedLocks } from '../../../src/check/verify-cache.js';
import { executeDeploy, planDeploy, waitForDatabase } from '../../../src/deploy/deploy.js';
import { isPgwardenError } from '../../../src/errors.js';
import { loadMigrations } from '../../../src/migrations/load.js';
import { urlDatabase } from '../../../src/providers/url.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { runMigrations } from '../../../src/runner/run.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const A = '20260101000000';
const B = '20260102000000';
const C = '20260103000000';

describe('planDeploy', () => {
  let project: TempProject;
  let dbs: DatabaseHandle[];
  beforeEach(() => {
    project = tempProject();
    dbs = [];
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text);', 'DROP TABLE accounts;'));
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;', 'ALTER TABLE accounts ALTER COLUMN name DROP NOT NULL;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'ALTER TABLE accounts ADD COLUMN email varchar(200);', 'ALTER TABLE accounts DROP COLUMN email;'));
  });
  afterEach(async () => {
    for (const db of dbs) await db.close();
    project.cleanup();
  });

  it('lists the pending migrations with their lint findings and the locks verify traced for this exact file content', async () => {
    const scratch = await createTestDatabase();
    dbs.push(scratch);
    const files = loadMigrations(project.migrationsDir);
    writeVerifiedLocks(project.root, locksOf(await verifyHistory(project.config, scratch, { migrations: files }), files));
    expect([...readVerifiedLocks(project.root).keys()]).toEqual([A, B, C]);
    // Edited after verify: its locks are no longer known.
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'ALTER TABLE accounts ADD COLUMN email varchar(300);', 'ALTER TABLE accounts DROP COLUMN email;'));

    const target = await createTestDatabase();
    dbs.push(target);
    await runMigrations(project.config, target, 'up', { count: 1 });
    const plan = await planDeploy(project.config, target, { waitForDb: 5 });
    expect(plan.status.summary).toMatchObject({ applied: 1, pending: 2 });
    expect(plan.pending.map((p) => p.revision)).toEqual([B, C]);
    expect(plan.pending[0]!.locks?.locks).toEqual([{ relation: 'public.accounts', mode: 'AccessExclusiveLock', blocks: 'reads and writes' }]);
    expect(plan.pending[1]!.locks).toBeUndefined();
    expect(plan.pending[1]!.findings.map((f) => f.rule)).toContain('prefer-text-field');
    expect(plan.lint.warnings + plan.lint.errors).toBe(plan.pending.flatMap((p) => p.findings).length);
    expect(plan.roles).toEqual({ skipped: 'no roles file (schema/roles.yaml)' });
    expect(plan.blockers).toEqual([]);
    expect(plan.protected).toBe(false);

    // A migration changed after it was applied blocks the deploy, named with the way out.
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text, x int);', 'DROP TABLE accounts;'));
    const blocked = await planDeploy(project.config, target, { waitForDb: 5 });
    expect(blocked.blockers).toEqual([expect.stringMatching(/20260101000000_a\.sql was changed after it was applied: .*pgwarden acknowledge 20260101000000/)]);
  });

  it('a roles failure after the migrations were applied says they were, never "nothing was applied", and the log lists them', async () => {
    const target = await createTestDatabase();
    dbs.push(target);
    const role = `deploy_late_${Math.random().toString(36).slice(2, 8)}`;
    const variable = `PGWARDEN_TEST_${role.toUpperCase()}`;
    mkdirSync(join(project.root, 'schema'), { recursive: true });
    writeFileSync(join(project.root, 'schema', 'roles.yaml'), `version: 1\nroles:\n  ${role}:\n    login: true\n    password: { env: ${variable} }\n    passwordVersion: 1\n`);
    process.env[variable] = 'late-secret';
    let plan;
    try {
      plan = await planDeploy(project.config, target, { waitForDb: 5, drift: false });
      expect(plan.invalid).toEqual([]);
    } finally {
      // Gone between the plan and the apply (a deploy that waited for its confirmation).
      delete process.env[variable];
    }
    const error = await executeDeploy(project.config, target, plan, { drift: false }).then(() => undefined, (e: unknown) => e);
    expect(isPgwardenError(error) && error.code).toBe('ROLES_INVALID');
    const message = (error as Error).message;
    expect(message).toContain('This deploy changed the database before it failed: 3 migrations were applied and kept (20260101000000_a, 20260102000000_b, 20260103000000_c).');
    expect(message).not.toMatch(/Nothing was applied/);
    expect(message).toContain('No role statement was applied.');
    const events = await query<{ detail: Record<string, unknown> }>(target.url, "SELECT detail FROM pgwarden.ledger_events WHERE action = 'deploy'");
    expect(events.map((e) => e.detail)).toEqual([expect.objectContaining({ outcome: 'failed', applied: [A, B, C] })]);
    expect(await query(target.url, 'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [role])).toEqual([{ n: 0 }]);
  });
});

describe('waitForDatabase', () => {
  let proxy: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve())));

  it('retries while the server refuses connections and goes on once it accepts them', async () => {
    const real = await createTestDatabase();
    try {
      const target = new URL(real.url);
      // A port that refuses connections for a second, then forwards to the real server.
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as { port: number }).port;
          probe.close(() => resolve(p));
        });
      });
      setTimeout(() => {
        proxy = createServer((socket) => {
          const upstream = tcpConnect(Number(target.port), target.hostname);
          socket.pipe(upstream).pipe(socket);
          socket.on('error', () => upstream.destroy());
          upstream.on('error', () => socket.destroy());
        }).listen(port, '127.0.0.1');
      }, 1000);
      const late = new URL(real.url);
      late.port = String(port);
      const started = Date.now();
      await waitForDatabase(urlDatabase(late.toString(), undefined), 20);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await real.close();
    }
  });

  it('gives up with CONNECTION_FAILED (exit 3) after the time it was given', async () => {
    const started = Date.now();
    await expect(waitForDatabase(urlDatabase('postgresql://nobody@127.0.0.1:1/none', undefined), 1)).rejects.toMatchObject({ code: 'CONNECTION_FAILED', exitCode: 3 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
