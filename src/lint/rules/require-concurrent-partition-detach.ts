import { alterTableCommands, alteredTable, displayName, lookupName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { LintStatement, Rule, SchemaModel } from '../types.js';

/** DETACH PARTITION ... CONCURRENTLY: PostgreSQL 14 and later. */
const SINCE = 14;

/** A schema-qualified or plain identifier, quoted or not, at the start of a string. */
const NAME = /^(?:"(?:[^"]|"")*"|[^\s."]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[^\s."]+))*/;

/** The statement with CONCURRENTLY after the partition's name, or undefined when that place cannot be found. */
function withConcurrently(statement: LintStatement, location: number | undefined): string | undefined {
  const at = offsetInStatement(statement, location);
  if (at === undefined) return undefined;
  const name = NAME.exec(statement.text.slice(at));
  if (!name) return undefined;
  const end = at + name[0].length;
  return `${statement.text.slice(0, end)} CONCURRENTLY${statement.text.slice(end)}`;
}

/** The DEFAULT partition of `parent` the history shows, if any. */
function defaultPartitionOf(model: SchemaModel, parent: string): string | undefined {
  const table = model.table(parent);
  if (!table?.partitioned) return undefined;
  for (const t of model.tables()) if (t.defaultPartition && t.inherits?.includes(table.qualified)) return t.qualified;
  return undefined;
}

/** ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on an existing partitioned table (PostgreSQL 14 and later). */
export const rule: Rule = {
  id: 'require-concurrent-partition-detach',
  description: 'ALTER TABLE ... DETACH PARTITION without CONCURRENTLY, which takes an ACCESS EXCLUSIVE lock on the partitioned table.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'AlterTableStmt' || ctx.options.postgresVersion < SINCE) return;
    const detach = alterTableCommands(statement).find((cmd) => cmd.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent !== true);
    if (!detach) return;
    const parent = alteredTable(statement);
    if (!parent || isNewTable(statement, model, parent)) return;
    const partition = detach.def.PartitionCmd.name;
    const message = `Detaching partition ${q(displayName(partition))} from ${q(displayName(parent))} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on both tables: every read and write of ${q(displayName(parent))} waits behind it, and it waits for every running query on them.`;
    const blocker = defaultPartitionOf(model, lookupName(parent));
    if (blocker) {
      // Postgres refuses DETACH ... CONCURRENTLY beside a DEFAULT partition: suggesting it would not run.
      ctx.report({
        at: statement,
        message,
        help: `DETACH PARTITION ... CONCURRENTLY is refused while the table has a DEFAULT partition (${q(blocker)}): "cannot detach partitions concurrently when a default partition exists". Keep the lock wait short with a low \`--! Lock-Timeout:\` and run it when the table is quiet, or detach the default partition first if it can go.`,
      });
      return;
    }
    const replacement = withConcurrently(statement, partition?.location);
    ctx.report({
      at: statement,
      message,
      help: 'DETACH PARTITION ... CONCURRENTLY locks the partitioned table SHARE UPDATE EXCLUSIVE only, in two transactions that wait for the queries using it, so its reads and writes continue (the partition itself is locked ACCESS EXCLUSIVE at the end). It cannot run inside a transaction block: give it its own migration marked `--! Transaction: none`. If it is interrupted, `ALTER TABLE ... DETACH PARTITION ... FINALIZE` completes it.',
      fix: replacement ? { description: 'Detach the partition CONCURRENTLY (and mark the migration `--! Transaction: none`)', replacement, replaces: 'statement' } : undefined,
    });
  },
};
