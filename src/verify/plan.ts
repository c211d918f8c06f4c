import { relative } from 'node:path';
import type pg from 'pg';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import { linearHistory } from '../migrations/graph.js';
import { loadMigrations } from '../migrations/load.js';
import type { MigrationFile } from '../migrations/types.js';
import { ensureParser, lineColumnAt, parseSql, SqlSyntaxError, type ParsedStatement } from '../sql/parse.js';
import { planDirection, planDown, type PlannedDirection } from './execute.js';
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
   * The roles the migrations and seeds create (CREATE ROLE, USER or GROUP). Roles belong to the
   * cluster, not to a database: verify runs such a history in one database at a time, drops them
   * before it replays the history from the start, and drops them when it ends.
   */
  roles: string[];
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
  const roles = new Set<string>();
  const unlogged = new Set<string>();
  const look = (statements: Array<ParsedStatement | undefined>, revision?: string) => {
    for (const s of statements) {
      if (s?.kind === 'CreateRoleStmt' && typeof s.ast.role === 'string') roles.add(s.ast.role);
      if (revision && s && UNLOGGED_KINDS.has(s.kind)) unlogged.add(revision);
    }
  };
  for (const seed of seeds) look(parseSeed(config, seed));
  const migrations = new Map<string, PlannedMigration>();
  for (const file of ordered) {
    const up = await planDirection(file, 'up');
    const down = await planDown(file);
    look(up.statements.map((s) => s.parsed), file.revision);
    look(down.plan?.statements.map((s) => s.parsed) ?? [], file.revision);
    migrations.set(file.revision, { up, down });
  }
  return { ordered, migrations, roles: [...roles].sort(), unlogged };
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

/** Which of `roles` exist on the server now. */
export async function existingRoles(client: pg.ClientBase, roles: string[]): Promise<string[]> {
  if (roles.length === 0) return [];
  const { rows } = await client.query<{ rolname: string }>('SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY ($1::pg_catalog.text[])', [roles]);
  return rows.map((r) => r.rolname);
}

/**
 * Drops those of `roles` that exist, with what they own and the privileges granted to them in the
 * database `client` is connected to (the other databases verify used are dropped whole).
 */
export async function dropRoles(client: pg.ClientBase, roles: string[]): Promise<void> {
  for (const role of await existingRoles(client, roles)) {
    const name = `"${role.replace(/"/g, '""')}"`;
    await client.query(`DROP OWNED BY ${name}; DROP ROLE ${name}`);
  }
}
