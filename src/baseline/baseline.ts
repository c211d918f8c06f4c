import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type pg from 'pg';
import { classifyAcrossVersions, REPRINTED, setAsideSentence } from '../catalog/across-versions.js';
import { diffSnapshots, type SnapshotDiff } from '../catalog/diff.js';
import { readFunctionDefinitions } from '../catalog/read/function-definitions.js';
import { renderDiff } from '../catalog/render-diff.js';
import { serverVersionOf, snapshotDatabase, snapshotOptionsFor } from '../catalog/snapshot.js';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import { canonicalSnapshot, MIGRATOR, principalOwner } from '../docs/canonical.js';
import { schemaSql } from '../docs/schema-sql.js';
import { PgwardenError } from '../errors.js';
import { checksumOf } from '../migrations/checksum.js';
import { revisionAt } from '../migrations/new.js';
import { isMigrationFileName, parseMigration } from '../migrations/parse.js';
import { openThrowaway, type ThrowawayOptions } from '../providers/resolve.js';
import type { DatabaseHandle } from '../providers/types.js';
import { ensureLedger, ledgerNames, readLedger, recordEvent } from '../runner/ledger.js';
import { acquireRunLock, releaseRunLock } from '../runner/lock.js';
import { runMigrations } from '../runner/run.js';
import { connect, currentApplier, ident } from '../runner/session.js';

/** The reason written in the baseline's header: it has no down section. */
export const BASELINE_IRREVERSIBLE = 'baseline of an existing database (its down would drop everything)';

export interface BaselineOptions {
  /** The migration's description (default: "Baseline of the existing <env> database"). */
  description?: string;
  /** The revision's time (default now). */
  now?: Date;
  /** Where the generated migration is proven: default an embedded throwaway cluster (never the target's server). */
  verifyOn?: ThrowawayOptions;
}

/** The baseline migration, proven or not, before anything is written. */
export interface BaselinePlan {
  revision: string;
  /** Absolute path the migration will be written to. */
  path: string;
  name: string;
  text: string;
  checksum: string;
  /** What the target holds, for the summary. */
  counts: { tables: number; views: number; functions: number; types: number; sequences: number };
  /** Roles the schema names (owners, grantees) that were created on the throwaway server to replay it. */
  roles: string[];
  /** Differences between the target and the migration replayed on an empty database: empty when it reproduces it. */
  differences: SnapshotDiff;
  /** The differences as sentences. */
  explained: string[];
  /** The major versions of the database and of the server the baseline was replayed on. */
  versions: { target: number; replay: number };
  /**
   * Differences left out of the comparison because the two servers' major versions differ, each
   * with why: what only one of them can express (MAINTAIN, an extension's default version), and an
   * expression the two print differently with the same meaning.
   */
  leftOut: string[];
}

/**
 * The target's schema compared with its replay, as docs --check and drift compare (see
 * classifyAcrossVersions): an expression printed differently with the same meaning is no
 * difference, and one with another tree is; across major versions, what only one of them can
 * express (MAINTAIN, an extension's packaged default version) is left out too. What was left out
 * because the versions differ is listed with why.
 */
export async function compareReplay(differences: SnapshotDiff, versions: { target: number; replay: number }): Promise<{ differences: SnapshotDiff; leftOut: string[] }> {
  const classified = await classifyAcrossVersions(differences, { a: versions.target, b: versions.replay });
  // On one major version, an expression printed another way with the same meaning is not worth a word.
  const said = classified.versionOnly.filter((v) => versions.target !== versions.replay || v.reason !== REPRINTED);
  return { differences: classified.differences, leftOut: said.map((v) => setAsideSentence(v.entry, v.reason)) };
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Every role a snapshot names (owners, grantees, grantors, policy and default-privilege roles), but the migrator and PUBLIC. */
function rolesNamed(snapshot: CatalogSnapshot): string[] {
  const found = new Set<string>();
  const keys = new Set(['owner', 'grantee', 'grantor', 'role']);
  const walk = (value: unknown, key: string | undefined) => {
    if (typeof value === 'string') {
      if (key && keys.has(key)) found.add(value);
    } else if (Array.isArray(value)) {
      for (const v of value) (key === 'roles' && typeof v === 'string' ? found.add(v) : walk(v, undefined));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(snapshot, undefined);
  for (const skip of [MIGRATOR, 'PUBLIC', 'public', '']) found.delete(skip);
  // pg_database_owner and the other predefined roles exist on every server.
  return [...found].filter((r) => !r.startsWith('pg_')).sort();
}

async function readCanonical(client: pg.ClientBase, config: PgwardenConfig, migrator: string | undefined): Promise<{ snapshot: CatalogSnapshot; functionDefinitions: Record<string, string> }> {
  const scope = snapshotOptionsFor(config);
  const raw = await snapshotDatabase(client, scope);
  const applier = migrator ?? principalOwner(raw) ?? (await client.query<{ r: string }>('SELECT current_user AS r')).rows[0]!.r;
  return { snapshot: canonicalSnapshot(raw, applier), functionDefinitions: await readFunctionDefinitions(client, scope) };
}

/** The DDL of schema.sql as a migration's up section: without the docs banner. */
function upSection(ddl: string): string {
  const lines = ddl.split('\n');
  let start = 0;
  while (start < lines.length && (lines[start]!.startsWith('--') || lines[start]!.trim() === '')) start++;
  return lines
    .slice(start)
    .join('\n')
    .replace(/^SET check_function_bodies = false;/m, 'SET LOCAL check_function_bodies = false;')
    .trimEnd();
}

/**
 * Builds the baseline of a database that existed before any migration: its schema read from the
 * catalog and written as one migration (the DDL `pgwarden docs` writes as schema.sql), then proven
 * by replaying that migration on an empty throwaway database and comparing the two schemas. Roles
 * the schema names are created there first (NOLOGIN), since roles live outside a database. Writes
 * nothing: see {@link writeBaseline} and {@link markBaselineApplied}.
 */
export async function planBaseline(config: PgwardenConfig, target: DatabaseHandle, options: BaselineOptions = {}): Promise<BaselinePlan> {
  if (existsSync(config.migrationsDir) && readdirSync(config.migrationsDir).some(isMigrationFileName)) {
    throw new PgwardenError('USAGE', `${toPosix(relative(config.root, config.migrationsDir))} already holds migrations: a baseline is the first migration of a history. For a database that an existing folder built, use pgwarden adopt.`);
  }
  const client = await connect(target, { applicationName: 'pgwarden baseline' });
  let source: Awaited<ReturnType<typeof readCanonical>>;
  let targetVersion: number;
  try {
    const ledger = await readLedger(client, config.ledger);
    if (ledger.length > 0) throw new PgwardenError('USAGE', `${target.display} already has ${ledger.length} migration(s) in its ledger: it is not a database without migrations.`);
    targetVersion = Math.floor((await serverVersionOf(client)) / 10000);
    await client.query('BEGIN READ ONLY');
    try {
      source = await readCanonical(client, config, undefined);
    } finally {
      await client.query('ROLLBACK').catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
  const revision = revisionAt(options.now ?? new Date());
  const name = `${revision}_baseline`;
  const path = join(config.migrationsDir, `${name}.sql`);
  const description = options.description ?? `Baseline of the existing ${target.environment ?? 'database'} schema`;
  const ddl = schemaSql(source.snapshot, { migrationsDir: toPosix(relative(config.root, config.migrationsDir)) || '.', migrations: 0, head: undefined, functionDefinitions: source.functionDefinitions });
  const text = [
    `--! Revision: ${revision}`,
    `--! Description: ${description}`,
    `--! Irreversible: ${BASELINE_IRREVERSIBLE}`,
    '--',
    `-- Generated by pgwarden baseline from ${target.display} on ${(options.now ?? new Date()).toISOString().slice(0, 10)}: the schema as it was`,
    '-- before pgwarden managed it. It was recorded as applied there without running; on a new database it',
    `-- builds the same schema. ${MIGRATOR} in comments stands for the role that runs the migrations.`,
    '',
    '-- Up Migration',
    upSection(ddl),
    '',
  ].join('\n');

  // Prove it: replay on an empty database and compare.
  const roles = rolesNamed(source.snapshot);
  const scratch = await openThrowaway(config, options.verifyOn ?? {});
  let replayed: CatalogSnapshot;
  let replayVersion: number;
  try {
    const admin = await connect(scratch, { applicationName: 'pgwarden baseline' });
    try {
      for (const role of roles) {
        const exists = await admin.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [role]);
        if (exists.rowCount === 0) await admin.query(`CREATE ROLE ${ident(role)} NOLOGIN`);
      }
    } finally {
      await admin.end().catch(() => {});
    }
    await runMigrations(config, scratch, 'up', { migrations: [parseMigration(path, text)] });
    const check = await connect(scratch, { applicationName: 'pgwarden baseline' });
    try {
      replayVersion = Math.floor((await serverVersionOf(check)) / 10000);
      const applier = (await check.query<{ r: string }>('SELECT current_user AS r')).rows[0]!.r;
      replayed = (await readCanonical(check, config, applier)).snapshot;
    } finally {
      await check.end().catch(() => {});
    }
  } catch (error) {
    if (error instanceof PgwardenError && error.code === 'MIGRATION_FAILED') {
      throw new PgwardenError('MIGRATION_FAILED', `The generated baseline does not apply to an empty database: ${error.message}`, { cause: error, details: { text } });
    }
    throw error;
  } finally {
    await scratch.close().catch(() => {});
  }
  // A database on another major version than the replay server: what only one of them can express
  // is left out, each with why (said in the output), rather than failing the proof.
  const versions = { target: targetVersion, replay: replayVersion };
  const { differences, leftOut } = await compareReplay(diffSnapshots(source.snapshot, replayed), versions);
  const s = source.snapshot;
  return {
    revision,
    path,
    name,
    text,
    checksum: checksumOf(text),
    counts: {
      tables: Object.keys(s.tables).length,
      views: Object.keys(s.views).length,
      functions: Object.keys(s.functions).length,
      types: Object.keys(s.enums).length + Object.keys(s.domains).length + Object.keys(s.compositeTypes).length + Object.keys(s.rangeTypes).length,
      sequences: Object.keys(s.sequences).length,
    },
    roles,
    differences,
    explained: renderDiff(differences, { wording: 'neutral' }),
    versions,
    leftOut,
  };
}

/** Writes the baseline migration into the migrations folder (never over an existing file). */
export function writeBaseline(plan: BaselinePlan): void {
  mkdirSync(join(plan.path, '..'), { recursive: true });
  writeFileSync(plan.path, plan.text, { flag: 'wx' });
}

/**
 * Records the baseline as applied on the database it was read from, without running it, under the
 * run lock; logs a `baseline` event.
 */
export async function markBaselineApplied(config: PgwardenConfig, target: DatabaseHandle, plan: BaselinePlan): Promise<void> {
  const applier = currentApplier(config.root);
  const client = await connect(target, { applicationName: `${applier.tool} baseline` });
  let locked = false;
  try {
    await acquireRunLock(client, config.ledger);
    locked = true;
    await ensureLedger(client, config.ledger);
    const n = ledgerNames(config.ledger);
    await client.query('BEGIN');
    try {
      await client.query(
        `INSERT INTO ${n.table} (revision, name, checksum, kind, state, applied_with, git_commit, duration_ms) VALUES ($1, $2, $3, 'sql', 'applied', $4, $5, NULL)`,
        [plan.revision, plan.name, plan.checksum, `${applier.tool} (baseline, not run)`, applier.gitCommit ?? null],
      );
      await recordEvent(client, config.ledger, { action: 'baseline', revision: plan.revision, name: plan.name, checksum: plan.checksum, applier, detail: { counts: plan.counts, roles: plan.roles, differences: plan.explained.length } });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    if (locked) await releaseRunLock(client, config.ledger).catch(() => {});
    await client.end().catch(() => {});
  }
}
