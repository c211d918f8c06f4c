/**
 * Benchmark: `pgwarden verify` of a generated 200-migration history against the plain peer run
 * of the same files, "up all, then down all" with node-pg-migrate's runner, on the same server in
 * the same run. Target: verify at most 3x the peer.
 *
 *   npx tsx bench/verify.ts [migrations=200] [rounds=3]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import { resolveConfig } from '../src/config/load.js';
import { startThrowawayCluster } from '../src/providers/embedded.js';
import { throwawayDatabaseOn } from '../src/providers/url.js';
import { verifyHistory } from '../src/verify/verify.js';
import type { VerifyReport } from '../src/verify/types.js';
import { median, ratio, timed } from './support.js';

const COUNT = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);

/**
 * A history like a team writes: every 8 migrations a new table, then a column, an index, an enum
 * column, a trigger, a view, a check constraint and a default on it. Every down is right.
 */
export function generatedHistory(count: number): Array<{ name: string; up: string; down: string }> {
  const history: Array<{ name: string; up: string; down: string }> = [];
  let table = -1;
  for (let i = 0; i < count; i++) {
    const step = i % 8;
    if (step === 0) table++;
    const t = `t${table}`;
    const parent = table > 0 ? `,\n  parent_id bigint REFERENCES t${table - 1} (id)` : '';
    const steps: Array<[string, string, string]> = [
      [`create_${t}`, `CREATE TABLE ${t} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()${parent}\n);\nCOMMENT ON TABLE ${t} IS 'Table ${table}';`, `DROP TABLE ${t};`],
      [`${t}_note`, `ALTER TABLE ${t} ADD COLUMN note text;\nCOMMENT ON COLUMN ${t}.note IS 'A note';`, `ALTER TABLE ${t} DROP COLUMN note;`],
      [`${t}_created_index`, `CREATE INDEX ${t}_created_at_idx ON ${t} (created_at);`, `DROP INDEX ${t}_created_at_idx;`],
      [`${t}_status`, `CREATE TYPE ${t}_status AS ENUM ('new', 'active', 'closed');\nALTER TABLE ${t} ADD COLUMN status ${t}_status NOT NULL DEFAULT 'new';`, `ALTER TABLE ${t} DROP COLUMN status;\nDROP TYPE ${t}_status;`],
      [`${t}_touch`, `CREATE FUNCTION ${t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.created_at := now(); RETURN NEW; END$$;\nCREATE TRIGGER ${t}_touch BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_touch();`, `DROP TRIGGER ${t}_touch ON ${t};\nDROP FUNCTION ${t}_touch();`],
      [`${t}_active_view`, `CREATE VIEW ${t}_active AS SELECT id, name FROM ${t} WHERE status = 'active';`, `DROP VIEW ${t}_active;`],
      [`${t}_name_check`, `ALTER TABLE ${t} ADD CONSTRAINT ${t}_name_length CHECK (length(name) < 200) NOT VALID;`, `ALTER TABLE ${t} DROP CONSTRAINT ${t}_name_length;`],
      [`${t}_name_default`, `ALTER TABLE ${t} ALTER COLUMN name SET DEFAULT 'unnamed';`, `ALTER TABLE ${t} ALTER COLUMN name DROP DEFAULT;`],
    ];
    const [name, up, down] = steps[step]!;
    history.push({ name, up, down });
  }
  return history;
}

/** Writes the history as files both tools read: pgwarden's header lines are comments to node-pg-migrate. */
function writeHistory(dir: string, history: Array<{ name: string; up: string; down: string }>): void {
  const start = Date.UTC(2026, 0, 1) / 1000;
  let previous: string | undefined;
  history.forEach((m, i) => {
    const revision = new Date((start + i * 60) * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const text = [`--! Revision: ${revision}`, ...(previous ? [`--! Revises: ${previous}`] : []), `--! Description: ${m.name}`, '', '-- Up Migration', m.up, '', '-- Down Migration', m.down, ''].join('\n');
    writeFileSync(join(dir, `${revision}_${m.name}.sql`), text);
    previous = revision;
  });
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pgwarden-bench-verify-'));
  const dir = join(root, 'migrations');
  mkdirSync(dir);
  writeHistory(dir, generatedHistory(COUNT));
  writeFileSync(join(root, 'package.json'), '{}\n');
  const config = resolveConfig({}, undefined, root);
  const server = await startThrowawayCluster();
  const silent = () => {};
  try {
    const peer: number[] = [];
    const ours: number[] = [];
    let report: VerifyReport | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const npmDb = await throwawayDatabaseOn(server.url('postgres'));
      peer.push(
        await timed(async () => {
          await runner({ databaseUrl: npmDb.url, dir, direction: 'up', migrationsTable: 'pgmigrations', count: Infinity, log: silent });
          await runner({ databaseUrl: npmDb.url, dir, direction: 'down', migrationsTable: 'pgmigrations', count: Infinity, log: silent });
        }),
      );
      await npmDb.close();
      const db = await throwawayDatabaseOn(server.url('postgres'));
      ours.push(await timed(async () => (report = await verifyHistory(config, db))));
      await db.close();
    }
    const errors = report!.findings.filter((f) => f.level === 'error').length;
    console.log(`history: ${COUNT} migrations; verify: ${report!.migrations.filter((m) => m.outcome === 'verified').length} verified, ${errors} errors, ${report!.findings.length - errors} warnings`);
    console.log(`node-pg-migrate up all + down all: ${median(peer).toFixed(0)} ms (median of ${ROUNDS}: ${peer.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`pgwarden verify:                   ${median(ours).toFixed(0)} ms (median of ${ROUNDS}: ${ours.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`ratio verify / peer: ${ratio(median(ours), median(peer))} (target <= 3x)`);
    // Each round runs the two back to back: their ratio is less exposed to the machine's speed
    // drifting over the run than the ratio of the medians.
    const paired = ours.map((t, i) => t / peer[i]!);
    console.log(`paired ratios: ${paired.map((r) => r.toFixed(2)).join(', ')}; median ${median(paired).toFixed(2)}x`);
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
