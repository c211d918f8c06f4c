import { byOwnUp, conflicts, traceText, type Conflict } from '../analysis/object-existence.js';
import type { FixInput, LintStatement, Rule } from '../types.js';

/** `CREATE TABLE`, `ADD COLUMN`, ... as the statement writes it, for the fix. */
function createWords(statement: LintStatement, conflict: Conflict): string {
  const { object } = conflict;
  if (object.kind === 'column') return 'ADD COLUMN';
  if (statement.kind === 'CreateTableAsStmt' && object.kind === 'table') return 'CREATE TABLE AS';
  return `CREATE ${object.kind.toUpperCase()}`;
}

function fixOf(statement: LintStatement, conflict: Conflict, origin: string): FixInput {
  const { key, object } = conflict;
  if (statement.section === 'down') {
    return { description: `Down runs on the schema up leaves, where ${key} is still there: remove this statement from the down section (or fix up, if it was meant to drop or rename ${key})` };
  }
  if (object.kind === 'constraint') {
    return { description: `Remove the duplicate constraint (${origin}), or give this one another name: its index takes the constraint's name, and ${key} is taken` };
  }
  if (conflict.renamed !== undefined || statement.kind === 'RenameStmt') {
    return { description: `Rename to a name that is free, or drop or rename ${key} first (${origin})` };
  }
  const words = createWords(statement, conflict);
  if (object.ns === 'type') return { description: `Remove the duplicate ${words} (${origin}); Postgres has no ${words} IF NOT EXISTS, so give this one another name if it is a different type` };
  if (object.kind === 'view') return { description: `Remove the duplicate CREATE VIEW (${origin}), or write CREATE OR REPLACE VIEW if this definition is meant to replace it` };
  const ifNotExists = object.kind === 'column' ? 'ADD COLUMN IF NOT EXISTS' : `${words.replace(' AS', '')} IF NOT EXISTS`;
  return { description: `Remove the duplicate ${words} (${origin}); write ${ifNotExists} only if both definitions are the same, since it keeps whichever ran first` };
}

/** A CREATE (or a rename) of an object that already exists at that point of the history. */
export const rule: Rule = {
  id: 'create-existing-object',
  description:
    'A CREATE of a table, view, index, sequence, type, schema or column that an earlier migration (or statement) already created and that still exists at that point, a named primary key, unique or exclusion constraint whose index name is taken, or a rename to such a name (in up or down).',
  defaultSeverity: 'error',
  kind: 'governance',
  statementKinds: [
    'CreateStmt',
    'CreateForeignTableStmt',
    'CreateTableAsStmt',
    'ViewStmt',
    'CreateSeqStmt',
    'IndexStmt',
    'CreateEnumStmt',
    'CompositeTypeStmt',
    'CreateDomainStmt',
    'CreateRangeStmt',
    'CreateSchemaStmt',
    'AlterTableStmt',
    'RenameStmt',
    'AlterObjectSchemaStmt',
  ],
  statement(statement, model, ctx) {
    for (const conflict of conflicts(statement, model)) {
      const { key, kind, trace, object } = conflict;
      const origin = traceText(trace, statement);
      const what = `${kind} ${key}`;
      const renaming = conflict.renamed !== undefined ? `${conflict.renamed}` : statement.kind === 'RenameStmt' && object.kind === 'column' ? `column ${key.slice(0, key.lastIndexOf('.'))}.${statement.ast.subname}` : undefined;
      let message: string;
      if (object.kind === 'constraint') {
        // The constraint's index takes its name: what is in the way is a relation of that name.
        const up = statement.section === 'down' ? (byOwnUp(trace, statement) ? 'up creates it' : `${origin}; up does not drop it`) : undefined;
        message = `constraint ${object.name} gives its index the name ${key}, but ${what} ${up ? `exists after up (${up})` : `already exists at this point of the history (${origin})`}`;
      } else if (statement.section === 'down') {
        const up = byOwnUp(trace, statement) ? 'up creates it' : `${origin}; up does not drop it`;
        message = renaming ? `down renames ${renaming} to ${key}, but ${what} exists after up (${up})` : `down creates ${what}, which still exists after up (${up})`;
      } else {
        message = renaming ? `renames ${renaming} to ${key}, but ${what} already exists at this point of the history (${origin})` : `${what} already exists at this point of the history (${origin})`;
      }
      ctx.report({
        at: statement,
        message,
        help: 'Postgres refuses to create an object that already exists ("relation ... already exists", "column ... already exists"), so the migration fails on a fresh database, in CI and in production, even where it once worked: two branches that each create it, a migration edited after it ran.',
        fix: fixOf(statement, conflict, origin),
      });
    }
  },
};
