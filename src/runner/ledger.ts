import type pg from 'pg';
import type { LedgerConfig } from '../config/types.js';
import { ident, literal, type Applier } from './session.js';

/** One row of the ledger: a migration applied (or left partial) on this database. */
export interface LedgerRow {
  revision: string;
  name: string;
  checksum: string;
  kind: string;
  state: 'applied' | 'partial';
  statementsDone: number | null;
  statementsTotal: number | null;
  appliedBy: string;
  appliedWith: string;
  gitCommit: string | null;
  appliedAt: Date;
  durationMs: number | null;
  error: string | null;
}

/** One event of the ledger's history: up, down, acknowledge, resolve, failed, deploy, baseline. */
export interface LedgerEvent {
  id: number;
  at: Date;
  action: string;
  revision: string | null;
  name: string | null;
  checksum: string | null;
  dbUser: string;
  appliedWith: string | null;
  gitCommit: string | null;
  durationMs: number | null;
  detail: Record<string, unknown> | null;
}

export function ledgerNames(config: LedgerConfig) {
  return {
    schema: ident(config.schema),
    table: `${ident(config.schema)}.${ident(config.table)}`,
    events: `${ident(config.schema)}.${ident(`${config.table}_events`)}`,
  };
}

/** Whether both ledger tables exist. */
export async function ledgerExists(client: pg.Client, config: LedgerConfig): Promise<boolean> {
  const n = ledgerNames(config);
  const exists = await client.query(`SELECT to_regclass($1) AS t, to_regclass($2) AS e`, [n.table, n.events]);
  return Boolean(exists.rows[0].t && exists.rows[0].e);
}

/** Creates the ledger tables when missing. Run under the advisory lock. */
export async function ensureLedger(client: pg.Client, config: LedgerConfig): Promise<void> {
  if (await ledgerExists(client, config)) return;
  await client.query(ledgerDdl(config));
}

/** The SQL that creates the ledger tables (idempotent), for ensureLedger or to send with a run's first message. */
export function ledgerDdl(config: LedgerConfig): string {
  const n = ledgerNames(config);
  return `
    CREATE SCHEMA IF NOT EXISTS ${n.schema};
    CREATE TABLE IF NOT EXISTS ${n.table} (
      revision text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      kind text NOT NULL DEFAULT 'sql',
      state text NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'partial')),
      statements_done integer,
      statements_total integer,
      applied_by text NOT NULL DEFAULT current_user,
      applied_with text NOT NULL,
      git_commit text,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      duration_ms integer,
      error text
    );
    COMMENT ON TABLE ${n.table} IS 'pgwarden: migrations applied to this database, with the checksum of each file as applied';
    CREATE TABLE IF NOT EXISTS ${n.events} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      action text NOT NULL,
      revision text,
      name text,
      checksum text,
      db_user text NOT NULL DEFAULT current_user,
      applied_with text,
      git_commit text,
      duration_ms integer,
      detail jsonb
    );
    COMMENT ON TABLE ${n.events} IS 'pgwarden: every up, down, acknowledgement and deploy run against this database';
  `;
}

/** Reads the ledger; an empty list when the ledger does not exist yet (nothing ever applied). */
export async function readLedger(client: pg.Client, config: LedgerConfig): Promise<LedgerRow[]> {
  const n = ledgerNames(config);
  const exists = await client.query(`SELECT to_regclass($1) AS t`, [n.table]);
  if (!exists.rows[0].t) return [];
  const { rows } = await client.query(`SELECT * FROM ${n.table} ORDER BY applied_at, revision`);
  return rows.map((r) => ({
    revision: r.revision,
    name: r.name,
    checksum: r.checksum,
    kind: r.kind,
    state: r.state,
    statementsDone: r.statements_done,
    statementsTotal: r.statements_total,
    appliedBy: r.applied_by,
    appliedWith: r.applied_with,
    gitCommit: r.git_commit,
    appliedAt: r.applied_at,
    durationMs: r.duration_ms,
    error: r.error,
  }));
}

/** Reads the event history, newest first. */
export async function readEvents(client: pg.Client, config: LedgerConfig, limit = 1000): Promise<LedgerEvent[]> {
  const n = ledgerNames(config);
  const exists = await client.query(`SELECT to_regclass($1) AS t`, [n.events]);
  if (!exists.rows[0].t) return [];
  const { rows } = await client.query(`SELECT * FROM ${n.events} ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    action: r.action,
    revision: r.revision,
    name: r.name,
    checksum: r.checksum,
    dbUser: r.db_user,
    appliedWith: r.applied_with,
    gitCommit: r.git_commit,
    durationMs: r.duration_ms,
    detail: r.detail,
  }));
}

export interface MarkInput {
  revision: string;
  name: string;
  checksum: string;
  kind: string;
  applier: Applier;
}

const lit = (v: string | null | undefined) => (v === null || v === undefined ? 'NULL' : literal(v));

/**
 * The milliseconds since the migration started, as `pgwarden.started` records it (set by the
 * runner's first statement of each migration: in a message of several migrations, now() and
 * statement_timestamp() are the message's start, not the migration's).
 */
const DURATION_SQL = `(extract(epoch FROM clock_timestamp() - coalesce(nullif(current_setting('pgwarden.started', true), '')::timestamptz, now())) * 1000)::integer`;

/**
 * SQL that records an applied migration and its event, run inside the migration's own transaction
 * so that the schema change and its record commit together or not at all: one statement (the
 * event takes the ledger row's duration, measured by the server).
 */
export function markAppliedSql(config: LedgerConfig, input: MarkInput): string {
  const n = ledgerNames(config);
  return `WITH applied AS (
  INSERT INTO ${n.table} (revision, name, checksum, kind, state, applied_with, git_commit, duration_ms)
  VALUES (${lit(input.revision)}, ${lit(input.name)}, ${lit(input.checksum)}, ${lit(input.kind)}, 'applied', ${lit(input.applier.tool)}, ${lit(input.applier.gitCommit)}, ${DURATION_SQL})
  ON CONFLICT (revision) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, state = 'applied', error = NULL, applied_at = clock_timestamp(), duration_ms = EXCLUDED.duration_ms, applied_with = EXCLUDED.applied_with, git_commit = EXCLUDED.git_commit, applied_by = current_user
  RETURNING revision, name, checksum, applied_with, git_commit, duration_ms)
INSERT INTO ${n.events} (action, revision, name, checksum, applied_with, git_commit, duration_ms)
SELECT 'up', revision, name, checksum, applied_with, git_commit, duration_ms FROM applied;`;
}

/** SQL that removes a rolled-back migration from the ledger and records the event. */
export function markRolledBackSql(config: LedgerConfig, input: MarkInput): string {
  const n = ledgerNames(config);
  return `DELETE FROM ${n.table} WHERE revision = ${lit(input.revision)};
INSERT INTO ${n.events} (action, revision, name, checksum, applied_with, git_commit, duration_ms)
VALUES ('down', ${lit(input.revision)}, ${lit(input.name)}, ${lit(input.checksum)}, ${lit(input.applier.tool)}, ${lit(input.applier.gitCommit)}, ${DURATION_SQL});`;
}

/** Records an event outside a migration (acknowledge, resolve, failed, deploy). */
export async function recordEvent(
  client: pg.Client,
  config: LedgerConfig,
  event: { action: string; revision?: string; name?: string; checksum?: string; applier: Applier; durationMs?: number; detail?: Record<string, unknown> },
): Promise<void> {
  const n = ledgerNames(config);
  await client.query(
    `INSERT INTO ${n.events} (action, revision, name, checksum, applied_with, git_commit, duration_ms, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [event.action, event.revision ?? null, event.name ?? null, event.checksum ?? null, event.applier.tool, event.applier.gitCommit ?? null, event.durationMs ?? null, event.detail ? JSON.stringify(event.detail) : null],
  );
}
