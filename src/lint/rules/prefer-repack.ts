import { optionIsOn } from '../../sql/options.js';
import { displayName, q, quoteIdent, type RangeVar } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { runnerWraps } from '../transactions.js';
import type { LintStatement, Rule } from '../types.js';

/** REPACK, and its CONCURRENTLY option: PostgreSQL 19 and later. */
const REPACK_SINCE = 19;

/** The tables a VACUUM FULL or CLUSTER rewrites (none written: every table it may). */
function rewritten(statement: LintStatement): RangeVar[] | undefined {
  const { kind, ast } = statement;
  if (kind === 'VacuumStmt') {
    if (!ast.is_vacuumcmd || optionIsOn(ast.options, 'full') !== true) return undefined;
    return ((ast.rels ?? []) as any[]).map((r) => r.VacuumRelation?.relation).filter((r): r is RangeVar => r !== undefined);
  }
  if (kind === 'ClusterStmt') return ast.relation ? [ast.relation] : [];
  return undefined;
}

/** A table name as SQL. */
function sqlName(relation: RangeVar): string {
  return relation.schemaname ? `${quoteIdent(relation.schemaname)}.${quoteIdent(relation.relname)}` : quoteIdent(relation.relname);
}

/**
 * The REPACK statements that do what the statement does without its long lock (PostgreSQL 19): one
 * per table, as REPACK takes one; none for the whole-database forms, which CONCURRENTLY refuses.
 */
function repackOf(statement: LintStatement, tables: RangeVar[]): string[] {
  const index = statement.kind === 'ClusterStmt' ? (statement.ast.indexname as string | undefined) : undefined;
  const using = statement.kind === 'ClusterStmt' ? ` USING INDEX${index ? ` ${quoteIdent(index)}` : ''}` : '';
  return tables.map((table) => `REPACK (CONCURRENTLY) ${sqlName(table)}${using}`);
}

/** VACUUM FULL and CLUSTER, which rewrite a table under an ACCESS EXCLUSIVE lock held throughout. */
export const rule: Rule = {
  id: 'prefer-repack',
  description: 'VACUUM FULL or CLUSTER, which rewrite the table under an ACCESS EXCLUSIVE lock held until the rewrite ends.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['VacuumStmt', 'ClusterStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const tables = rewritten(statement);
    if (!tables) return;
    const existing = tables.filter((table) => !isNewTable(statement, model, table));
    if (tables.length > 0 && existing.length === 0) return;
    const command = statement.kind === 'VacuumStmt' ? 'VACUUM FULL' : 'CLUSTER';
    const what =
      existing.length > 0
        ? `${existing.length === 1 ? 'table' : 'tables'} ${existing.map((t) => q(displayName(t))).join(', ')}`
        : statement.kind === 'VacuumStmt'
          ? 'every table of the database'
          : 'every table with a clustered index';
    const message = `${command} rewrites ${what} under an ACCESS EXCLUSIVE lock held until the rewrite ends: every read and write of ${existing.length === 1 ? 'the table' : 'them'} waits meanwhile, minutes or hours for a large table.`;
    // VACUUM, and CLUSTER of every table, refuse to run inside a transaction block.
    const refused = statement.kind === 'VacuumStmt' ? 'VACUUM' : tables.length === 0 ? 'CLUSTER without a table' : undefined;
    const inTransaction = refused && runnerWraps(statement) ? ` (and ${refused} cannot run inside the transaction pgwarden runs this migration in)` : '';
    if (ctx.options.postgresVersion >= REPACK_SINCE) {
      const repack = repackOf(statement, existing).join('; ');
      const instead = repack ? `\`${repack}\`` : 'name each table (REPACK (CONCURRENTLY) does not take the whole database at once)';
      ctx.report({
        at: statement,
        message,
        help: `PostgreSQL 19's REPACK (CONCURRENTLY) does the same rewrite under a SHARE UPDATE EXCLUSIVE lock, taking ACCESS EXCLUSIVE only briefly to swap in the new copy: ${instead}. It takes one table at a time (a partitioned table partition by partition), cannot run inside a transaction block, and needs wal_level = replica or higher (it decodes the changes made meanwhile through a replication slot) and a primary key or replica identity index. pgwarden's parser is PostgreSQL 18's and does not know REPACK yet (lint and the runner would refuse it as a syntax error): run it outside the migrations, as maintenance${inTransaction}.`,
        fix: { description: repack ? `Run \`${repack}\` outside the migrations instead` : 'Run REPACK (CONCURRENTLY) on each table outside the migrations instead' },
      });
      return;
    }
    ctx.report({
      at: statement,
      message,
      help: `PostgreSQL ${ctx.options.postgresVersion} has no online rewrite built in (REPACK (CONCURRENTLY) comes with 19, see lint.postgresVersion). The pg_repack extension rewrites a table online, holding ACCESS EXCLUSIVE only briefly at the start and the end; it runs from its own client (\`pg_repack --table=...\`), outside the migrations, and needs a primary key or a unique index on NOT NULL columns. A table rewrite is maintenance, not a schema change: keep it out of the migrations${inTransaction}.`,
      fix: { description: 'Remove the statement and run pg_repack (or the rewrite, when the table is quiet) outside the migrations' },
    });
  },
};
