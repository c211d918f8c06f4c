/**
 * `pgwarden up` of 1,000 generated migrations against plain node-pg-migrate and against
 * `psql --single-transaction -f` of the same SQL, in one run, on the same embedded server.
 * Targets: pgwarden ≤ 1.1x node-pg-migrate, ≤ 1.6x psql.
 *
 *   npx tsx bench/runner.ts [--migrations 1000] [--rounds 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startThrowawayCluster } from '../src/providers/embedded.js';
import { findPgBinary, median, ratio, timed } from './support.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COUNT = arg('migrations', 1000);
const ROUNDS = arg('rounds', 3);
const ROOT = resolve(import.meta.dirname, '..');

function revision(i: number): string {
  const d = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A realistic migration: a table per ten migrations, then columns, indexes and comments on it. */
function migrationSql(i: number): { up: string; down: string } {
  const t = `t${Math.floor(i / 10)}`;
  switch (i % 10) {
    case 0:
      return { up: `CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());\nCOMMENT ON TABLE ${t} IS 'bench table ${t}';`, down: `DROP TABLE ${t};` };
    case 1:
    case 2:
    case 3:
      return { up: `ALTER TABLE ${t} ADD COLUMN c${i % 10} text;\nCOMMENT ON COLUMN ${t}.c${i % 10} IS 'column ${i}';`, down: `ALTER TABLE ${t} DROP COLUMN c${i % 10};` };
    case 4:
      return { up: `CREATE INDEX idx_${t}_c1 ON ${t} (c1);`, down: `DROP INDEX idx_${t}_c1;` };
    case 5:
      return { up: `ALTER TABLE ${t} ADD CONSTRAINT ${t}_c2_len CHECK (length(c2) < 100) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_c2_len;`, down: `ALTER TABLE ${t} DROP CONSTRAINT ${t}_c2_len;` };
    case 6:
      return { up: `CREATE TYPE ${t}_state AS ENUM ('new', 'done');\nALTER TABLE ${t} ADD COLUMN state ${t}_state;`, down: `ALTER TABLE ${t} DROP COLUMN state;\nDROP TYPE ${t}_state;` };
    case 7:
      return { up: `CREATE VIEW ${t}_recent AS SELECT id, created_at FROM ${t} WHERE created_at > now() - interval '1 day';`, down: `DROP VIEW ${t}_recent;` };
    case 8:
      return { up: `INSERT INTO ${t} (c1, c2, c3) SELECT 'a' || g, 'b', 'c' FROM generate_series(1, 20) g;`, down: `DELETE FROM ${t};` };
    default:
      return { up: `CREATE INDEX idx_${t}_created ON ${t} (created_at DESC);`, down: `DROP INDEX idx_${t}_created;` };
  }
}

function generate(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const all: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const rev = revision(i);
    const { up, down } = migrationSql(i);
    const text = [`--! Revision: ${rev}`, ...(i ? [`--! Revises: ${revision(i - 1)}`] : []), `--! Description: Bench migration ${i}`, '', '-- Up Migration', up, '', '-- Down Migration', down, ''].join('\n');
    writeFileSync(join(dir, `${rev}_bench_${i}.sql`), text);
    all.push(up);
  }
  const combined = join(dir, '..', 'all.sql');
  writeFileSync(combined, `${all.join('\n')}\n`);
  // The same SQL with one transaction per migration: what per-migration atomicity costs any tool.
  writeFileSync(join(dir, '..', 'all-per-migration.sql'), `${all.map((u) => `BEGIN;\n${u}\nCOMMIT;`).join('\n')}\n`);
  return combined;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'pgwarden-bench-runner-'));
  const migrationsDir = join(work, 'migrations');
  const combined = generate(migrationsDir);
  writeFileSync(join(work, 'package.json'), '{}');
  writeFileSync(join(work, 'pgwarden.config.yaml'), 'migrations: migrations\n');
  const psql = findPgBinary('psql');
  const server = await startThrowawayCluster();
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  let n = 0;
  const freshDb = async () => {
    const name = `bench_${n++}`;
    await admin.query(`CREATE DATABASE ${name}`);
    return server.url(name);
  };
  const run = (cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(cmd, cmdArgs, { cwd: work, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  };
  const times: Record<string, number[]> = { pgwarden: [], 'pgwarden --single-transaction': [], 'node-pg-migrate': [], psql: [], 'psql, a transaction per migration': [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const a = await freshDb();
      times.pgwarden!.push(await timed(() => run(process.execPath, [join(ROOT, 'bin/pgwarden.js'), 'up', '--url', a])));
      const a2 = await freshDb();
      times['pgwarden --single-transaction']!.push(await timed(() => run(process.execPath, [join(ROOT, 'bin/pgwarden.js'), 'up', '--single-transaction', '--url', a2])));
      const b = await freshDb();
      times['node-pg-migrate']!.push(
        await timed(() => run(process.execPath, [join(ROOT, 'node_modules/node-pg-migrate/bin/node-pg-migrate.js'), 'up', '-m', migrationsDir, '--no-check-order'], { DATABASE_URL: b })),
      );
      if (psql) {
        const c = await freshDb();
        times.psql!.push(await timed(() => run(psql, ['--single-transaction', '-v', 'ON_ERROR_STOP=1', '-q', '-f', combined, c])));
        const d = await freshDb();
        times['psql, a transaction per migration']!.push(await timed(() => run(psql, ['-v', 'ON_ERROR_STOP=1', '-q', '-f', join(work, 'all-per-migration.sql'), d])));
      }
    }
  } finally {
    await admin.end();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length ? median(v) : NaN]));
  console.log(`pgwarden up of ${COUNT} migrations, median of ${ROUNDS} rounds (ms):`);
  for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(36)} ${v.toFixed(0)}`);
  console.log(`pgwarden / node-pg-migrate: ${ratio(m.pgwarden!, m['node-pg-migrate']!)} (target ≤ 1.10x)`);
  if (psql) {
    console.log(`pgwarden / psql --single-transaction: ${ratio(m.pgwarden!, m.psql!)} (target ≤ 1.60x)`);
    console.log(`pgwarden --single-transaction / psql --single-transaction: ${ratio(m['pgwarden --single-transaction']!, m.psql!)}`);
    console.log(`pgwarden / psql with a transaction per migration (same atomicity): ${ratio(m.pgwarden!, m['psql, a transaction per migration']!)}`);
  }
  else console.log('psql not found: install postgresql-client to compare with psql');
}

await main();
