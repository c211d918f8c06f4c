import { optionIsOn } from '../../sql/options.js';
import { displayName, q, type RangeVar } from '../analysis/ast.js';
import { isNewIndex, isNewTable } from '../analysis/new-objects.js';
import { runnerWraps } from '../transactions.js';
import type { LintStatement, Rule } from '../types.js';

/** REINDEX ... CONCURRENTLY: PostgreSQL 12 and later. */
const SINCE = 12;

/** What the statement rebuilds, for messages; undefined for what the rule leaves alone. */
function target(statement: LintStatement): { words: string; relation?: RangeVar } | undefined {
  const { kind, relation, name } = statement.ast;
  switch (kind) {
    case 'REINDEX_OBJECT_INDEX':
      return relation ? { words: `index ${q(displayName(relation))}`, relation } : undefined;
    case 'REINDEX_OBJECT_TABLE':
      return relation ? { words: `table ${q(displayName(relation))}`, relation } : undefined;
    case 'REINDEX_OBJECT_SCHEMA':
      return { words: `every index of schema ${q(String(name ?? '?'))}` };
    case 'REINDEX_OBJECT_DATABASE':
      return { words: name ? `every index of database ${q(String(name))}` : 'every index of the database' };
    default:
      // REINDEX SYSTEM: the system catalogs cannot be reindexed concurrently.
      return undefined;
  }
}

/** REINDEX without CONCURRENTLY on an existing table or index (PostgreSQL 12 and later). */
export const rule: Rule = {
  id: 'require-concurrent-reindex',
  description: 'REINDEX without CONCURRENTLY, which blocks writes to the table and the queries that use its indexes until the rebuild ends.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['ReindexStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'ReindexStmt' || ctx.options.postgresVersion < SINCE) return;
    const concurrently = optionIsOn(statement.ast.params, 'concurrently');
    if (concurrently === true) return;
    const what = target(statement);
    if (!what) return;
    const { relation } = what;
    if (relation) {
      const fresh = statement.ast.kind === 'REINDEX_OBJECT_INDEX' ? isNewIndex(statement, model, relation.schemaname ? [relation.schemaname, relation.relname] : [relation.relname]) : isNewTable(statement, model, relation);
      if (fresh) return;
    }
    const lock =
      statement.ast.kind === 'REINDEX_OBJECT_INDEX'
        ? 'takes an ACCESS EXCLUSIVE lock on the index and a SHARE lock on its table'
        : statement.ast.kind === 'REINDEX_OBJECT_TABLE'
          ? 'takes a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each of its indexes'
          : 'takes, table by table, a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each of its indexes';
    const wholeSchema = statement.ast.kind === 'REINDEX_OBJECT_SCHEMA' || statement.ast.kind === 'REINDEX_OBJECT_DATABASE';
    // `REINDEX (CONCURRENTLY false)`: adding the keyword would conflict with the option.
    const replacement = concurrently === false ? statement.text : statement.text.replace(/^(\s*reindex\s+(?:\([^)]*\)\s*)?(?:index|table|schema|database))\b/i, '$1 CONCURRENTLY');
    const ownMigration = runnerWraps(statement)
      ? `It cannot run inside a transaction block: give it its own migration marked \`--! Transaction: none\`${wholeSchema ? ` (REINDEX ${statement.ast.kind === 'REINDEX_OBJECT_SCHEMA' ? 'SCHEMA' : 'DATABASE'} cannot run in one even without CONCURRENTLY)` : ''}.`
      : 'It cannot run inside a transaction block, which `--! Transaction: none` already gives it.';
    ctx.report({
      at: statement,
      message: `Reindexing ${what.words} without CONCURRENTLY ${lock}: writes wait until the rebuild ends, and so do the queries that use those indexes (the planner locks every index of a table it reads).`,
      help: `REINDEX CONCURRENTLY builds a new copy of each index next to the old one and swaps it in, blocking neither reads nor writes. ${ownMigration} If it fails it leaves an INVALID copy (its name ends in _ccnew), which must be dropped.`,
      fix: replacement !== statement.text ? { description: 'Reindex CONCURRENTLY (and mark the migration `--! Transaction: none`)', replacement, replaces: 'statement' } : undefined,
    });
  },
};
