import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { startThrowawayCluster, type EmbeddedServer } from '../../src/providers/embedded.js';
import { throwawayDatabaseOn } from '../../src/providers/url.js';
import type { DatabaseHandle } from '../../src/providers/types.js';
import { runCli } from '../support/cli.js';
import { query } from '../support/db.js';
import { REPO_ROOT, tempProject, type TempProject } from '../support/project.js';

const CONFIG = `migrations: migrations
environments:
  staging:
    urlEnv: STAGING_URL
  prod:
    urlEnv: PROD_URL
    protected: true
`;

/** Deploy applies roles, which live in the whole server: these tests get a server of their own. */
describe('pgwarden deploy', () => {
  let server: EmbeddedServer;
  let project: TempProject;
  let db: DatabaseHandle;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await startThrowawayCluster();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    project = tempProject({ copyReference: true });
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), CONFIG);
    cpSync(join(REPO_ROOT, 'schema', 'roles.yaml'), join(project.root, 'schema', 'roles.yaml'));
    db = await throwawayDatabaseOn(server.url('postgres'));
    env = { PROD_URL: db.url, STAGING_URL: db.url, FLEET_APP_PASSWORD: 'app-secret-1', FLEET_REPORT_PASSWORD: 'report-secret-2' };
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('--dry-run shows status, pending migrations with lint and lock levels, and the roles plan, and changes nothing', async () => {
    // pgwarden check remembers the locks verify traced; deploy shows them without running anything on the target.
    let r = await runCli(['check', '--skip', 'docs', '--skip', 'roles'], { cwd: project.root, env: { DATABASE_URL: server.url('postgres') } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(join(project.root, '.pgwarden/cache/verify-locks.json'))).toBe(true);
    project.write('20261201090000_add_targets_note.sql', ['--! Revision: 20261201090000', '--! Revises: 20261118093000', '--! Description: Add a note to targets', '', '-- Up Migration', 'ALTER TABLE targets ADD COLUMN note text;', '', '-- Down Migration', 'ALTER TABLE targets DROP COLUMN note;', ''].join('\n'));

    r = await runCli(['deploy', '--env', 'prod', '--dry-run'], { cwd: project.root, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Deploy to environment prod (protected)');
    expect(r.stdout).toContain('Pending migrations (17), in the order they run:');
    expect(r.stdout).toMatch(/20261002113000_create_targets[^\n]*\n {6}locks: SHARE ROW EXCLUSIVE on public\.credentials, blocks writes \(verified /);
    expect(r.stdout).toMatch(/20261201090000_add_targets_note[^\n]*\n {6}locks: not verified/);
    expect(r.stdout).toMatch(/Roles \(schema\/roles\.yaml\)/);
    expect(r.stdout).toContain('CREATE ROLE "fleet_app"');
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    expect(r.stdout + r.stderr).not.toContain('app-secret-1');
    expect(await query(db.url, "SELECT to_regclass('pgwarden.ledger') AS t, (SELECT count(*)::int FROM pg_roles WHERE rolname = 'fleet_app') AS roles")).toEqual([{ t: null, roles: 0 }]);
  });

  it('refuses a protected environment without a terminal unless --yes (exit 2), then deploys with --yes and logs it in the ledger', async () => {
    let r = await runCli(['deploy', '--env', 'prod'], { cwd: project.root, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Environment "prod" is protected and there is no terminal to confirm on: .*--yes\. Nothing was changed\./);
    expect(await query(db.url, "SELECT to_regclass('pgwarden.ledger') AS t")).toEqual([{ t: null }]);

    // schema/snapshot.json, for the drift check that ends the deploy.
    r = await runCli(['docs'], { cwd: project.root, env: { DATABASE_URL: server.url('postgres') } });
    expect(r.code, r.stderr).toBe(0);

    r = await runCli(['deploy', '--env', 'prod', '--yes', '--json'], { cwd: project.root, env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.applied).toHaveLength(16);
    expect(out.result.rolesApplied).toBeGreaterThan(0);
    expect(out.result.after.clean).toBe(true);
    // The grants roles.yaml made are its own; the schema matches the snapshot.
    expect(out.result.drift).toMatchObject({ checked: true, clean: true, findings: [] });
    expect(out.result.drift.managedByRoles).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toMatch(/app-secret-1|report-secret-2/);
    expect(await query(db.url, "SELECT rolname FROM pg_roles WHERE rolname IN ('fleet_app', 'fleet_report', 'app_rw') ORDER BY 1")).toEqual([{ rolname: 'app_rw' }, { rolname: 'fleet_app' }, { rolname: 'fleet_report' }]);

    // A second deploy has nothing to do, and is logged too; a table made by hand since is drift (exit 1).
    await query(db.url, 'CREATE TABLE made_by_hand (id int)');
    r = await runCli(['deploy', '--env', 'prod', '--yes'], { cwd: project.root, env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('Migrations: nothing to apply.');
    // roles.yaml grants on every table of the schema: the new one too.
    expect(r.stdout).toContain('Roles: 2 statements applied.');
    expect(r.stdout).toMatch(/Drift: 1 difference from schema\/snapshot\.json \(1 structure\) after the deploy/);
    expect(r.stdout).toMatch(/structure: .*public\.made_by_hand/);
    const events = await query<{ action: string; detail: Record<string, unknown> }>(db.url, "SELECT action, detail FROM pgwarden.ledger_events WHERE action = 'deploy' ORDER BY id");
    expect(events).toHaveLength(2);
    expect(events[0]!.detail).toMatchObject({ environment: 'prod', outcome: 'succeeded', applied: expect.arrayContaining(['20261001090000', '20261118093000']), rolesChanges: out.result.rolesApplied, head: '20261118093000' });
    expect((events[0]!.detail.applied as string[]).length).toBe(16);
    expect(events[0]!.detail.drift).toMatchObject({ checked: true, clean: true, findings: 0 });
    expect(events[1]!.detail).toMatchObject({ outcome: 'succeeded', applied: [], rolesChanges: 2, drift: { checked: true, clean: false, findings: 1 } });
  });

  it('reports a grant made by hand to a role roles.yaml declares, as pgwarden drift does (here one made while the deploy ran, after its roles apply)', async () => {
    // roles.yaml drops the fleet_ roles it does not declare: a retired one owns a table in another
    // database, and the deploy's roles apply waits there for the lock this test holds on it.
    const rolesPath = join(project.root, 'schema', 'roles.yaml');
    const rolesText = readFileSync(rolesPath, 'utf8');
    expect(rolesText).toContain('  prefixes: [fleet_]\n');
    writeFileSync(rolesPath, rolesText.replace('  prefixes: [fleet_]\n', '  prefixes: [fleet_]\n  dropUndeclared: true\n'));
    let r = await runCli(['docs'], { cwd: project.root, env: { DATABASE_URL: server.url('postgres') } });
    expect(r.code, r.stderr).toBe(0);
    r = await runCli(['deploy', '--env', 'prod', '--yes'], { cwd: project.root, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);

    const other = server.url('postgres');
    const table = `retired_${Date.now().toString(36)}`;
    await query(other, 'CREATE ROLE fleet_retired');
    await query(other, `CREATE TABLE ${table} (id int); ALTER TABLE ${table} OWNER TO fleet_retired`);
    const holder = new pg.Client({ connectionString: other });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${table} IN ACCESS SHARE MODE`);
      const deploying = runCli(['deploy', '--env', 'prod', '--yes', '--json'], { cwd: project.root, env });
      const waiting = async () =>
        (await query<{ n: number }>(other, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgwarden roles apply' AND datname = current_database() AND wait_event_type = 'Lock'"))[0]!.n > 0;
      const until = Date.now() + 60_000;
      while (!(await waiting())) {
        expect(Date.now(), 'roles apply waits for the lock on the retired role\'s table').toBeLessThan(until);
        await new Promise((done) => setTimeout(done, 50));
      }
      // The grants of roles.yaml were applied in the deploy's database; now someone grants by hand.
      await query(db.url, 'GRANT DELETE ON users TO app_ro');
      await holder.query('COMMIT');
      r = await deploying;
    } finally {
      await holder.end();
      await query(other, `DROP TABLE IF EXISTS ${table}`);
    }
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.result.rolesApplied).toBeGreaterThan(0);
    expect(await query(db.url, "SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'fleet_retired'")).toEqual([{ n: 0 }]);
    const message = 'grant of DELETE on table public.users to app_ro exists but schema/roles.yaml does not grant it';
    expect(out.result.drift).toMatchObject({ checked: true, clean: false });
    expect(out.result.drift.findings.map((f: { class: string; message: string }) => [f.class, f.message])).toEqual([['security', message]]);
    // The snapshot's own view of the grants roles.yaml made is still counted apart.
    expect(out.result.drift.managedByRoles).toBeGreaterThan(0);
    const events = await query<{ detail: Record<string, unknown> }>(db.url, "SELECT detail FROM pgwarden.ledger_events WHERE action = 'deploy' ORDER BY id DESC LIMIT 1");
    expect(events[0]!.detail).toMatchObject({ outcome: 'succeeded', drift: { checked: true, clean: false, findings: 1 } });

    // A kind of privilege roles.yaml does not manage, given by hand to a role it declares (the
    // migrator's default privileges for itself): the snapshot judges it, in drift and deploy alike.
    await query(db.url, 'ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA public GRANT SELECT ON TABLES TO migrator');
    const own = 'default privilege SELECT on tables created by migrator in schema public for migrator exists but is not expected';

    // pgwarden drift and the deploy agree, in text too; the DELETE grant roles.yaml judges is reported once.
    r = await runCli(['drift', '--env', 'prod', '--json'], { cwd: project.root, env });
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { message: string }) => f.message)).toEqual([own, message]);
    r = await runCli(['deploy', '--env', 'prod', '--yes', '--no-roles'], { cwd: project.root, env });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Drift: 2 differences from schema\/snapshot\.json \(2 security\) after the deploy/);
    expect(r.stdout).toContain(`security: ${own}`);
    expect(r.stdout).toContain(`security: ${message}`);
    expect(r.stdout.split(message).length - 1).toBe(1);
  });

  it('an environment that is not protected deploys without --yes; a failing migration is logged as a failed deploy, with what it applied before', async () => {
    project.write('20261201090000_broken.sql', ['--! Revision: 20261201090000', '--! Revises: 20261118093000', '--! Description: Reference a table that does not exist', '', '-- Up Migration', 'ALTER TABLE no_such_table ADD COLUMN x int;', '', '-- Down Migration', 'ALTER TABLE no_such_table DROP COLUMN x;', ''].join('\n'));
    const r = await runCli(['deploy', '--env', 'staging', '--no-roles', '--no-drift'], { cwd: project.root, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no_such_table');
    // The 16 reference migrations before the broken one were applied and kept: the error and the log say so.
    expect(r.stderr).toContain('This deploy changed the database before it failed: 16 migrations were applied and kept (20261001090000_');
    expect(r.stderr).not.toMatch(/nothing was (applied|run)/i);
    // The next step names the command and the environment it is about, not a bare `pgwarden up`.
    expect(r.stderr).toContain('fix the SQL and run pgwarden deploy --env staging again.');
    const applied = await query<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM pgwarden.ledger WHERE state = 'applied'");
    expect(applied).toEqual([{ n: 16 }]);
    const events = await query<{ detail: Record<string, unknown> }>(db.url, "SELECT detail FROM pgwarden.ledger_events WHERE action = 'deploy'");
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ environment: 'staging', outcome: 'failed', error: expect.stringContaining('no_such_table') });
    expect(events[0]!.detail.applied).toEqual(expect.arrayContaining(['20261001090000', '20261118093000']));
    expect((events[0]!.detail.applied as string[]).length).toBe(16);
    expect(events[0]!.detail.applied).not.toContain('20261201090000');
  });

  it('a password roles.yaml cannot read refuses the deploy before any migration runs (exit 2, nothing changed); the dry run reports it and exits 2 too', async () => {
    // A new login role whose password comes from a variable nobody set.
    const rolesPath = join(project.root, 'schema', 'roles.yaml');
    const rolesText = readFileSync(rolesPath, 'utf8');
    const declared = '  prod:\n    roles:\n';
    expect(rolesText).toContain(declared);
    writeFileSync(rolesPath, rolesText.replace(declared, `${declared}      fleet_service:\n        login: true\n        password: { env: APP_SERVICE_PASSWORD }\n        passwordVersion: 1\n`));
    const line = rolesText.slice(0, rolesText.indexOf(declared)).split('\n').length + 4;
    const unset = { ...env, APP_SERVICE_PASSWORD: '' };
    let r = await runCli(['deploy', '--env', 'prod', '--dry-run'], { cwd: project.root, env: unset });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain(`invalid: schema/roles.yaml:${line}: The password of role "fleet_service" comes from $APP_SERVICE_PASSWORD, which is not set: export it and deploy again.`);
    expect(r.stdout).toContain('Dry run: nothing was changed. The deploy would refuse: bad input (see above).');

    r = await runCli(['deploy', '--env', 'prod', '--yes'], { cwd: project.root, env: unset });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('error[ROLES_INVALID]: The deploy plan found 1 problem to fix first (listed below): nothing was deployed, nothing was changed.');
    expect(r.stderr).toContain(`schema/roles.yaml:${line}: The password of role "fleet_service" comes from $APP_SERVICE_PASSWORD`);
    expect(r.stdout).not.toContain('Applied ');
    expect(await query(db.url, "SELECT to_regnamespace('pgwarden') AS s, to_regclass('public.targets') AS t, (SELECT count(*)::int FROM pg_roles WHERE rolname = 'fleet_service') AS roles")).toEqual([{ s: null, t: null, roles: 0 }]);
  });

  it('a pending migration that does not parse refuses the deploy with exit 2 and leaves an untouched database untouched, ledger and log included', async () => {
    project.write('20261201090000_typo.sql', ['--! Revision: 20261201090000', '--! Revises: 20261118093000', '--! Description: A typo', '', '-- Up Migration', 'SELEC 1;', '', '-- Down Migration', 'SELECT 1;', ''].join('\n'));
    let r = await runCli(['deploy', '--env', 'prod', '--dry-run'], { cwd: project.root, env });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/invalid: migrations\/20261201090000_typo\.sql:6:1: syntax error at or near "SELEC"/);
    r = await runCli(['deploy', '--env', 'prod', '--yes'], { cwd: project.root, env });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('error[MIGRATION_INVALID]');
    expect(r.stderr).toMatch(/migrations\/20261201090000_typo\.sql:6:1: syntax error at or near "SELEC"/);
    expect(await query(db.url, "SELECT to_regnamespace('pgwarden') AS s, to_regclass('public.targets') AS t")).toEqual([{ s: null, t: null }]);
  });

  it('--dry-run exits 1, as the deploy would, when the deploy is blocked', async () => {
    let r = await runCli(['deploy', '--env', 'staging', '--no-roles', '--no-drift'], { cwd: project.root, env });
    expect(r.code, r.stderr).toBe(0);
    const file = join(project.migrationsDir, '20261001090000_create_users_and_sessions.sql');
    expect(existsSync(file), 'the first reference migration').toBe(true);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited after it was applied\n`);
    r = await runCli(['deploy', '--env', 'staging', '--no-roles', '--dry-run'], { cwd: project.root, env });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/blocked: .*20261001090000_create_users_and_sessions\.sql was changed after it was applied/);
    expect(r.stdout).toContain('The deploy would refuse: blocked (see above).');
    r = await runCli(['deploy', '--env', 'staging', '--no-roles', '--dry-run', '--json'], { cwd: project.root, env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).blockers).toHaveLength(1);
  });

  it('waits for the database a bounded time, then gives up with exit 3', async () => {
    const started = Date.now();
    const r = await runCli(['deploy', '--env', 'staging', '--wait-for-db', '2', '--yes'], { cwd: project.root, env: { ...env, STAGING_URL: 'postgresql://nobody@127.0.0.1:1/nothing' } });
    const elapsed = Date.now() - started;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Cannot connect to postgresql:\/\/nobody@127\.0\.0\.1:1\/nothing/);
    expect(elapsed).toBeGreaterThanOrEqual(1500);
    expect(elapsed).toBeLessThan(15_000);
  });
});
