import { relative } from 'node:path';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import { linearHistory } from '../migrations/graph.js';
import { loadMigrations } from '../migrations/load.js';
import type { MigrationFile } from '../migrations/types.js';
import { ensureParser, lineColumnAt, parseSql, SqlSyntaxError, type ParsedStatement } from '../sql/parse.js';
import { planDirection, planDown, type PlannedDirection } from './execute.js';
import { mayCreateRoles } from './roles.js';
import type { SeedFile } from './seed.js';

/** A migration's statements in both directions. */
export interface PlannedMigration {
  up: PlannedDirection;
  down: { plan?: PlannedDirection; irreversible?: string };
}

/**
 * A history read, parsed and checked before verify touches a database: bad input (a syntax error
 * in any migration or seed, a seed after a revision no migration has) is a usage error found
 * before anything runs, so that it changes nothing on any server.
 */
export interface VerifyPlan {
  ordered: MigrationFile[];
  /** Each migration's statements, by revision. */
  migrations: Map<string, PlannedMigration>;
  /**
   * The SQL of the history (each statement of both directions of every migration, and the seeds)
   * when any of it may create a role (`CREATE ROLE`, `USER` or `GROUP`, also inside a `DO` block
   * or a function body); empty otherwise. Roles belong to the cluster, not to a database: verify
   * runs such a history in one database at a time, and drops the roles it created (see
   * CreatedRoles) before it replays the history from the start and when it ends.
   */
  roleSql: string[];
  /**
   * Revisions with a statement the change log cannot see (no event trigger fires for REASSIGN
   * OWNED or DROP OWNED): every snapshot of theirs reads the whole catalog.
   */
  unlogged: Set<string>;
}

/** Statements after which an incremental snapshot cannot trust the change log. */
const UNLOGGED_KINDS = new Set(['ReassignOwnedStmt', 'DropOwnedStmt']);

/** Reads and parses the history and the seeds (see {@link VerifyPlan}); throws a usage error naming file and line on bad input. */
export async function planVerify(config: PgwardenConfig, options: { migrations?: MigrationFile[]; seeds?: SeedFile[] } = {}): Promise<VerifyPlan> {
  const ordered = linearHistory(options.migrations ?? loadMigrations(config.migrationsDir), config.root);
  const seeds = options.seeds ?? [];
  for (const seed of seeds) {
    if (seed.after !== undefined && !ordered.some((m) => m.revision === seed.after)) {
      throw new PgwardenError('USAGE', `The seed ${relative(config.root, seed.path)} loads after revision ${seed.after}, which no migration has. Fix its "--! After:" line.`);
    }
  }
  await ensureParser();
  const unlogged = new Set<string>();
  const look = (statements: Array<ParsedStatement | undefined>, revision: string) => {
    for (const s of statements) if (s && UNLOGGED_KINDS.has(s.kind)) unlogged.add(revision);
  };
  const sql: string[] = [];
  for (const seed of seeds) {
    parseSeed(config, seed);
    sql.push(seed.sql);
  }
  const migrations = new Map<string, PlannedMigration>();
  for (const file of ordered) {
    const up = await planDirection(file, 'up');
    const down = await planDown(file);
    look(up.statements.map((s) => s.parsed), file.revision);
    look(down.plan?.statements.map((s) => s.parsed) ?? [], file.revision);
    for (const s of [...up.statements, ...(down.plan?.statements ?? [])]) sql.push(s.sql);
    migrations.set(file.revision, { up, down });
  }
  return { ordered, migrations, roleSql: sql.some(mayCreateRoles) ? sql : [], unlogged };
}

function parseSeed(config: PgwardenConfig, seed: SeedFile): ParsedStatement[] {
  try {
    return parseSql(seed.sql);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    const at = lineColumnAt(seed.sql, error.position);
    throw new PgwardenError('USAGE', `${relative(config.root, seed.path)}:${at.line}:${at.column}: ${error.message}. Fix the seed's SQL.`, { location: { file: seed.path, ...at } });
  }
}
