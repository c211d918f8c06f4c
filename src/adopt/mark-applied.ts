/**
 * Marking an adopted history as applied on a database that already has it (a baseline), without
 * running anything: from the table of the tool that applied it (node-pg-migrate's `pgmigrations`,
 * dbmate's or golang-migrate's `schema_migrations`, Flyway's `flyway_schema_history`), or up to a
 * number the caller gives (`--applied-through`).
 */
import type pg from 'pg';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import type { DatabaseHandle } from '../providers/types.js';
import { ensureLedger, ledgerNames, recordEvent } from '../runner/ledger.js';
import { acquireRunLock, releaseRunLock } from '../runner/lock.js';
import { connect, currentApplier } from '../runner/session.js';
import type { AdoptionPlan, AdoptedMigration } from './adopt.js';
import { compareOrder, parseVersion } from './sources.js';

/** Where the list of applied migrations came from. */
export type AppliedSource = 'node-pg-migrate' | 'dbmate' | 'golang-migrate' | 'flyway' | 'applied-through';

export interface MarkOptions {
  /** Mark every migration numbered up to this one (plain numbered SQL folders have no table to read). */
  appliedThrough?: string | undefined;
  /** The tool's table, `table` or `schema.table`, when not the tool's default name. */
  migrationsTable?: string | undefined;
  /** Read and report, write nothing. */
  dryRun?: boolean | undefined;
}

export interface MarkResult {
  source: AppliedSource;
  /** The table read, when one was. */
  table: string | undefined;
  /** Revisions recorded as applied now. */
  marked: string[];
  /** Revisions the ledger already had. */
  alreadyRecorded: string[];
  /** Migrations left pending (the database does not have them). */
  pending: string[];
  /** Entries of the tool's table that match no adopted file. */
  unknown: string[];
}

interface Applied {
  source: AppliedSource;
  table: string | undefined;
  /** Adopted migration -> when it was applied (undefined: unknown). */
  applied: Map<AdoptedMigration, Date | undefined>;
  unknown: string[];
}

const DEFAULT_TABLES: Array<{ table: string }> = [{ table: 'public.pgmigrations' }, { table: 'public.schema_migrations' }, { table: 'public.flyway_schema_history' }];

async function columnsOf(client: pg.Client, table: string): Promise<Set<string> | undefined> {
  const { rows } = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::oid::text AS oid', [table]);
  const oid = rows[0]?.oid;
  if (!oid) return undefined;
  const cols = await client.query<{ attname: string }>('SELECT attname FROM pg_attribute WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped', [oid]);
  return new Set(cols.rows.map((r) => r.attname));
}

function quoteTable(table: string): string {
  return table
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');
}

/** Reads which adopted migrations the database already has. */
async function readApplied(client: pg.Client, plan: AdoptionPlan, options: MarkOptions): Promise<Applied> {
  if (options.appliedThrough !== undefined) {
    const limit = parseVersion(options.appliedThrough);
    const applied = new Map<AdoptedMigration, Date | undefined>();
    for (const m of plan.migrations) if (compareOrder(parseVersion(m.version.replace(/[^\d._]/g, '') || '0'), limit) <= 0) applied.set(m, undefined);
    if (applied.size === 0) throw new PgwardenError('USAGE', `--applied-through ${options.appliedThrough}: no adopted migration has a number up to it.`);
    return { source: 'applied-through', table: undefined, applied, unknown: [] };
  }
  const candidates = options.migrationsTable ? [{ table: options.migrationsTable.includes('.') ? options.migrationsTable : `public.${options.migrationsTable}` }] : DEFAULT_TABLES;
  for (const { table } of candidates) {
    const columns = await columnsOf(client, quoteTable(table));
    if (!columns) continue;
    const q = quoteTable(table);
    const applied = new Map<AdoptedMigration, Date | undefined>();
    const unknown: string[] = [];
    if (columns.has('name') && columns.has('run_on')) {
      const { rows } = await client.query<{ name: string; run_on: Date }>(`SELECT name, run_on FROM ${q} ORDER BY run_on, name`);
      const byName = new Map(plan.migrations.map((m) => [m.sourceName, m]));
      for (const r of rows) {
        const m = byName.get(r.name);
        if (m) applied.set(m, r.run_on);
        else unknown.push(r.name);
      }
      return { source: 'node-pg-migrate', table, applied, unknown };
    }
    if (columns.has('installed_rank') && columns.has('version')) {
      const { rows } = await client.query<{ version: string; installed_on: Date }>(`SELECT version, installed_on FROM ${q} WHERE success AND version IS NOT NULL ORDER BY installed_rank`);
      for (const r of rows) {
        const m = plan.migrations.find((x) => compareOrder(parseVersion(x.version), parseVersion(r.version)) === 0);
        if (m) applied.set(m, r.installed_on);
        else unknown.push(r.version);
      }
      return { source: 'flyway', table, applied, unknown };
    }
    if (columns.has('version') && columns.has('dirty')) {
      const { rows } = await client.query<{ version: string; dirty: boolean }>(`SELECT version::text AS version, dirty FROM ${q}`);
      const row = rows[0];
      if (row?.dirty) throw new PgwardenError('USAGE', `${table} says migration ${row.version} is dirty (it failed halfway): fix the database and golang-migrate's record first (migrate force), then adopt.`);
      if (row) for (const m of plan.migrations) if (compareOrder(parseVersion(m.version), parseVersion(row.version)) <= 0) applied.set(m, undefined);
      return { source: 'golang-migrate', table, applied, unknown };
    }
    if (columns.has('version')) {
      const { rows } = await client.query<{ version: string }>(`SELECT version::text AS version FROM ${q} ORDER BY version`);
      for (const r of rows) {
        const m = plan.migrations.find((x) => x.version === r.version || compareOrder(parseVersion(x.version), parseVersion(r.version)) === 0);
        if (m) applied.set(m, undefined);
        else unknown.push(r.version);
      }
      return { source: 'dbmate', table, applied, unknown };
    }
    throw new PgwardenError('USAGE', `${table} is not a migrations table pgwarden knows (node-pg-migrate, dbmate, golang-migrate, Flyway): pass --applied-through <number> instead.`);
  }
  throw new PgwardenError(
    'USAGE',
    options.migrationsTable
      ? `The database has no table ${options.migrationsTable}.`
      : 'The database has no migrations table pgwarden knows (pgmigrations, schema_migrations, flyway_schema_history): say how far it is with --applied-through <number>, or name the table with --migrations-table.',
  );
}

/**
 * Records the adopted migrations the database already has in pgwarden's ledger, without running
 * them, under the run lock, and logs an `adopt` event. Idempotent: rows the ledger has are kept.
 */
export async function markAdoptedApplied(config: PgwardenConfig, db: DatabaseHandle, plan: AdoptionPlan, options: MarkOptions = {}): Promise<MarkResult> {
  const applier = currentApplier(config.root);
  const client = await connect(db, { applicationName: `${applier.tool} adopt` });
  let locked = false;
  try {
    const found = await readApplied(client, plan, options);
    const n = ledgerNames(config.ledger);
    const result: MarkResult = { source: found.source, table: found.table, marked: [], alreadyRecorded: [], pending: plan.migrations.filter((m) => !found.applied.has(m)).map((m) => m.revision), unknown: found.unknown };
    const existing = new Set<string>();
    const ledgerExists = (await client.query(`SELECT to_regclass($1) AS t`, [n.table])).rows[0].t;
    if (ledgerExists) for (const r of (await client.query<{ revision: string }>(`SELECT revision FROM ${n.table}`)).rows) existing.add(r.revision);
    for (const m of found.applied.keys()) (existing.has(m.revision) ? result.alreadyRecorded : result.marked).push(m.revision);
    if (options.dryRun || result.marked.length === 0) return result;
    await acquireRunLock(client, config.ledger);
    locked = true;
    await ensureLedger(client, config.ledger);
    await client.query('BEGIN');
    try {
      for (const [m, at] of found.applied) {
        if (existing.has(m.revision)) continue;
        await client.query(
          `INSERT INTO ${n.table} (revision, name, checksum, kind, state, applied_with, git_commit, applied_at, duration_ms)
           VALUES ($1, $2, $3, $4, 'applied', $5, $6, coalesce($7::timestamptz, clock_timestamp()), NULL)
           ON CONFLICT (revision) DO NOTHING`,
          [m.revision, m.name, m.checksum, m.kind, `${applier.tool} (adopted from ${found.source})`, applier.gitCommit ?? null, at ?? null],
        );
      }
      await recordEvent(client, config.ledger, {
        action: 'adopt',
        applier,
        detail: { source: found.source, table: found.table ?? null, marked: result.marked, alreadyRecorded: result.alreadyRecorded, pending: result.pending, unknown: result.unknown },
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    return result;
  } finally {
    if (locked) await releaseRunLock(client, config.ledger).catch(() => {});
    await client.end().catch(() => {});
  }
}
