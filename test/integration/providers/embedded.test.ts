import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../support/cli.js';
import { query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const A = '20260101000000';
const B = '20260102000000';

/** Postgres server processes running for this project's development cluster (found by its data folder). */
function serversFor(dataDir: string): Array<{ pid: number; user: string }> {
  const out = execFileSync('ps', ['-eo', 'pid=,user=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => /bin\/postgres -D/.test(l) && ownedByProject(l, dataDir))
    .map((l) => {
      const [pid, user] = l.trim().split(/\s+/);
      return { pid: Number(pid), user: user! };
    });
}

/** The data folder of a dev cluster outside the project is named after the project's data folder. */
function ownedByProject(psLine: string, dataDir: string): boolean {
  if (psLine.includes(join(dataDir, 'pgdata'))) return true;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return psLine.includes(`pgwarden-dev-${hash}`);
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('the embedded provider', () => {
  let project: TempProject;
  let dataDir: string;
  beforeEach(() => {
    project = tempProject();
    dataDir = join(project.root, '.pgwarden', 'dev');
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
  });
  afterEach(async () => {
    // destroy, not stop: the cluster of a project in the temporary directory lives outside it.
    await runCli(['db', 'destroy'], { cwd: project.root });
    project.cleanup();
  });

  it('db destroy stops the cluster and deletes its data, wherever it lives', async () => {
    expect((await runCli(['db', 'start'], { cwd: project.root })).code).toBe(0);
    const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
    const folders = [join(dataDir, 'pgdata'), join(tmpdir(), `pgwarden-dev-${hash}`)];
    const pgdata = folders.find((f) => existsSync(join(f, 'PG_VERSION')));
    expect(pgdata).toBeDefined();
    const r = await runCli(['db', 'destroy'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Development cluster stopped and deleted');
    expect(await waitFor(() => serversFor(dataDir).length === 0, 5000)).toBe(true);
    expect(existsSync(pgdata!)).toBe(false);
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);
    expect((await runCli(['db', 'status'], { cwd: project.root })).stdout).toContain('(not created yet)');
    // A command that needs it creates a new, empty one.
    expect((await runCli(['up'], { cwd: project.root })).stdout).toContain('1 applied, 0 pending');
  });

  it('up with no URL starts the development cluster for itself, applies, and stops it again', async () => {
    const run = await runCli(['up'], { cwd: project.root });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Database: postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/dev/);
    expect(run.stdout).toContain('1 applied, 0 pending');
    expect(serversFor(dataDir)).toEqual([]);
    // The data persists: a second run finds the migration applied.
    const status = await runCli(['status', '--json'], { cwd: project.root });
    expect(JSON.parse(status.stdout).migrations[0].state).toBe('applied');
    expect(serversFor(dataDir)).toEqual([]);
  });

  it('db start keeps a server running (as an unprivileged user when root) until db stop', async () => {
    let r = await runCli(['db', 'status'], { cwd: project.root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Development cluster stopped (not created yet)');
    r = await runCli(['db', 'start'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Development cluster running on port \d+ \(pid \d+\)/);
    expect(r.stdout).not.toMatch(/postgres:[^*@]+@/);
    const servers = serversFor(dataDir);
    expect(servers).toHaveLength(1);
    if (process.getuid?.() === 0) expect(servers[0]!.user).toBe('postgres');
    const url = (await runCli(['db', 'url'], { cwd: project.root })).stdout.trim();
    expect(url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/dev$/);
    expect((await runCli(['up'], { cwd: project.root })).code).toBe(0);
    expect(serversFor(dataDir)).toHaveLength(1);
    expect(await query(url, `SELECT to_regclass('public.a')::text AS a`)).toEqual([{ a: 'a' }]);
    r = await runCli(['db', 'stop'], { cwd: project.root });
    expect(r.stdout).toContain('Development cluster stopped');
    expect(await waitFor(() => serversFor(dataDir).length === 0, 5000)).toBe(true);
  });

  it('starts on another port, and says which, when the configured port is in use by something else', async () => {
    // A real listener holds the port the config names.
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const taken = (listener.address() as AddressInfo).port;
    try {
      writeFileSync(join(project.root, 'pgwarden.config.yaml'), `migrations: migrations\nembedded:\n  port: ${taken}\n`);
      // A command that starts the cluster for itself.
      const up = await runCli(['up'], { cwd: project.root });
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain('1 applied, 0 pending');
      const used = Number(/127\.0\.0\.1:(\d+)\/dev/.exec(up.stdout)?.[1]);
      expect(used).not.toBe(taken);
      expect(up.stderr).toContain(`note: port ${taken} was in use: the development cluster started on port ${used}`);
      expect(await waitFor(() => serversFor(dataDir).length === 0, 10_000)).toBe(true);
      // db start does the same, and keeps it running there.
      const started = await runCli(['db', 'start'], { cwd: project.root });
      expect(started.code, started.stderr).toBe(0);
      const port = Number(/running on port (\d+)/.exec(started.stdout)?.[1]);
      expect(port).not.toBe(taken);
      expect(started.stderr).toContain(`note: port ${taken} was in use: the development cluster started on port ${port}`);
      const url = (await runCli(['db', 'url'], { cwd: project.root })).stdout.trim();
      expect(new URL(url).port).toBe(String(port));
      expect(await query(url, `SELECT to_regclass('public.a')::text AS a`)).toEqual([{ a: 'a' }]);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('db stop refuses while another command uses the cluster, naming it; --force stops it anyway', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'SELECT pg_sleep(4);', 'SELECT 1;'));
    expect((await runCli(['db', 'start'], { cwd: project.root })).code).toBe(0);
    const leases = join(dataDir, 'leases');
    const busy = runCli(['up'], { cwd: project.root });
    expect(await waitFor(() => existsSync(leases) && readdirSync(leases).length === 1, 20_000)).toBe(true);
    const holder = Number(readdirSync(leases)[0]);
    let r = await runCli(['db', 'stop'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`error[CLUSTER_IN_USE]: The development cluster is in use by a running command: pid ${holder} (pgwarden up, since `);
    expect(r.stderr).toContain('or stop it anyway with --force. Nothing was stopped.');
    // destroy refuses the same way and deletes nothing.
    r = await runCli(['db', 'destroy'], { cwd: project.root });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error[CLUSTER_IN_USE]');
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(true);
    expect(serversFor(dataDir)).toHaveLength(1);
    const done = await busy;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('2 applied, 0 pending');
    // Its lease is gone with it: db stop now stops the cluster.
    r = await runCli(['db', 'stop'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(await waitFor(() => serversFor(dataDir).length === 0, 5000)).toBe(true);

    // --force stops it under a running command, which fails with a connection error.
    const C = '20260103000000';
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'SELECT pg_sleep(30);', 'SELECT 1;'));
    const victim = runCli(['up'], { cwd: project.root });
    expect(await waitFor(() => existsSync(leases) && readdirSync(leases).length === 1, 20_000)).toBe(true);
    await new Promise((res) => setTimeout(res, 1000));
    r = await runCli(['db', 'stop', '--force'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Development cluster stopped');
    const failed = await victim;
    expect(failed.code).toBe(3);
    expect(await waitFor(() => serversFor(dataDir).length === 0, 5000)).toBe(true);
  });

  it('db stop ignores and removes stale leases: a dead pid, and a live pid that belongs to another process now', async () => {
    expect((await runCli(['db', 'start'], { cwd: project.root })).code).toBe(0);
    const leases = join(dataDir, 'leases');
    mkdirSync(leases, { recursive: true });
    const dead = spawnSync('true').pid!;
    writeFileSync(join(leases, String(dead)), JSON.stringify({ command: 'pgwarden up', since: new Date().toISOString() }));
    // This test process is alive, but it did not take that lease: the start time differs.
    writeFileSync(join(leases, String(process.pid)), JSON.stringify({ command: 'pgwarden up', since: new Date().toISOString(), startTime: '1' }));
    // An old lease without details, of a dead process.
    writeFileSync(join(leases, '2147483646'), '');
    const r = await runCli(['db', 'stop'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(await waitFor(() => serversFor(dataDir).length === 0, 5000)).toBe(true);
    expect(readdirSync(leases)).toEqual([]);
  });

  it('a command does not stop the server it started while another command still uses it; the last one stops it', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);\nSELECT pg_sleep(3);', 'DROP TABLE b;'));
    const C = '20260103000000';
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id int);\nSELECT pg_sleep(3);', 'DROP TABLE c;'));
    // The first command starts the cluster for itself and applies up to B; the second reuses the
    // running cluster, waits for the lock, and applies C after the first has finished.
    const first = runCli(['up', '--to', B], { cwd: project.root });
    expect(await waitFor(() => serversFor(dataDir).length === 1 && existsSync(join(dataDir, 'cluster.json')), 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const second = runCli(['up', '--wait', '60'], { cwd: project.root });
    const one = await first;
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`Applied 2 migration(s)`);
    // The server stays up for the second command.
    expect(serversFor(dataDir)).toHaveLength(1);
    const two = await second;
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toContain('3 applied, 0 pending');
    // The last user stopped it.
    expect(await waitFor(() => serversFor(dataDir).length === 0, 10_000)).toBe(true);
  });

  it('a command killed while another uses the cluster leaves it running for the other; the other stops it', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'SELECT pg_sleep(30);', 'SELECT 1;'));
    const child = spawn(process.execPath, [CLI, 'up'], { cwd: project.root, stdio: 'ignore', env: { ...process.env, DATABASE_URL: '' } });
    const closed = new Promise((r) => child.on('close', r));
    expect(await waitFor(() => serversFor(dataDir).length === 1 && existsSync(join(dataDir, 'cluster.json')), 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    // A second command waits for the lock the first holds, on the same cluster; it applies another
    // history (A, then C sleeping 3 s), so that it still works when the first is gone.
    const C = '20260103000000';
    const other = join(project.root, 'other');
    mkdirSync(other);
    cpSync(join(project.migrationsDir, `${A}_a.sql`), join(other, `${A}_a.sql`));
    writeFileSync(join(other, `${C}_c.sql`), sqlMigration(C, A, 'CREATE TABLE c (id int);\nSELECT pg_sleep(3);', 'DROP TABLE c;'));
    const second = runCli(['up', '--wait', '60', '--migrations', other], { cwd: project.root });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await closed;
    // The server would finish the dead command's migration (and hold its lock) for 30 s: end it.
    const url = (await runCli(['db', 'url'], { cwd: project.root })).stdout.trim();
    await query(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep'`);
    // The killed command's watchdog gives up its lease without stopping the server the other uses.
    const two = await second;
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toContain(`Applied 1 migration(s)`);
    expect(two.stdout).toContain('2 applied, 0 pending');
    expect(await waitFor(() => serversFor(dataDir).length === 0, 10_000)).toBe(true);
  });

  it.each(['SIGINT', 'SIGKILL'] as const)('a command interrupted by %s leaves no server running', async (signal) => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'SELECT pg_sleep(30);', 'SELECT 1;'));
    const child = spawn(process.execPath, [CLI, 'up'], { cwd: project.root, stdio: 'ignore', env: { ...process.env, DATABASE_URL: '' } });
    const closed = new Promise((r) => child.on('close', r));
    expect(await waitFor(() => serversFor(dataDir).length === 1 && existsSync(join(dataDir, 'cluster.json')), 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill(signal);
    await closed;
    expect(await waitFor(() => serversFor(dataDir).length === 0, 10_000)).toBe(true);
    // The interrupted migration was not recorded; the first one was.
    const status = JSON.parse((await runCli(['status', '--json'], { cwd: project.root })).stdout);
    expect(status.migrations.map((m: { state: string }) => m.state)).toEqual(['applied', 'pending']);
  });

  it('keeps the cluster password out of files other than its own 0600 credentials file', () => {
    return runCli(['up'], { cwd: project.root }).then(() => {
      const meta = join(dataDir, 'cluster.json');
      const mode = execFileSync('stat', ['-c', '%a', meta], { encoding: 'utf8' }).trim();
      expect(mode).toBe('600');
      const password = JSON.parse(readFileSync(meta, 'utf8')).password as string;
      const log = existsSync(join(dataDir, 'server.log')) ? readFileSync(join(dataDir, 'server.log'), 'utf8') : '';
      expect(log).not.toContain(password);
    });
  });
});
