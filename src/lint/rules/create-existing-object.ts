import { byOwnUp, conflicts, givenTwice, traceText, type Conflict, type GivenTwice } from '../analysis/object-existence.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { FixInput, LintStatement, Rule } from '../types.js';

/** `CREATE TABLE`, `ADD COLUMN`, ... as the statement writes it, for the fix. */
function createWords(statement: LintStatement, conflict: Conflict): string {
  const { object } = conflict;
  if (object.kind === 'column') return 'ADD COLUMN';
  if (statement.kind === 'CreateTableAsStmt' && object.kind === 'table') return 'CREATE TABLE AS';
  return `CREATE ${object.kind.toUpperCase()}`;
}

/** The fix for a CREATE (not a rename) of a constraint, label, extension, routine, trigger or policy. */
function memberFix(conflict: Conflict, origin: string, version: number): FixInput | undefined {
  const { object } = conflict;
  switch (object.ns) {
    case 'con':
      return { description: `Remove the duplicate constraint (${origin}), or give this one another name: a table's constraints need names of their own, and ${conflict.what} is taken` };
    case 'label':
      return { description: `Remove the duplicate ADD VALUE (${origin}); write ADD VALUE IF NOT EXISTS only if databases built another way may lack the label` };
    case 'ext':
      return { description: `Remove the duplicate CREATE EXTENSION (${origin}); write CREATE EXTENSION IF NOT EXISTS only if databases built another way may lack it` };
    case 'fn':
      return { description: `Remove the duplicate CREATE ${object.kind.toUpperCase()} (${origin}), write CREATE OR REPLACE ${object.kind.toUpperCase()} if this definition is meant to replace it, or give this one other argument types if it is another overload` };
    case 'trg':
      return { description: `Remove the duplicate CREATE TRIGGER (${origin})${version >= 14 ? ', or write CREATE OR REPLACE TRIGGER if this definition is meant to replace it' : ''}, or give this one another name` };
    case 'pol':
      return { description: `Remove the duplicate CREATE POLICY (${origin}), or change it with ALTER POLICY; Postgres has no CREATE POLICY IF NOT EXISTS, so give this one another name if it is another policy` };
    default:
      return undefined;
  }
}

function fixOf(statement: LintStatement, conflict: Conflict, origin: string, version: number): FixInput {
  const { key, object } = conflict;
  const what = conflict.what ?? key;
  if (statement.section === 'down') {
    return { description: `Down runs on the schema up leaves, where ${what} is still there: remove this statement from the down section (or fix up, if it was meant to drop or rename ${what})` };
  }
  if (conflict.renamed !== undefined || statement.kind === 'RenameStmt' || statement.kind === 'AlterObjectSchemaStmt' || (statement.kind === 'AlterEnumStmt' && statement.ast.oldVal !== undefined)) {
    return { description: `Rename to a name that is free, or drop or rename ${what} first (${origin})` };
  }
  if (object.kind === 'constraint' && object.ns === 'rel') {
    return { description: `Remove the duplicate constraint (${origin}), or give this one another name: its index takes the constraint's name, and ${key} is taken` };
  }
  const member = memberFix(conflict, origin, version);
  if (member) return member;
  const words = createWords(statement, conflict);
  // A composite type is checked as a relation (its name is one), but is a type.
  if (object.ns === 'type' || statement.kind === 'CompositeTypeStmt') return { description: `Remove the duplicate ${words} (${origin}); Postgres has no ${words} IF NOT EXISTS, so give this one another name if it is a different type` };
  if (object.kind === 'view') return { description: `Remove the duplicate CREATE VIEW (${origin}), or write CREATE OR REPLACE VIEW if this definition is meant to replace it` };
  const ifNotExists = object.kind === 'column' ? 'ADD COLUMN IF NOT EXISTS' : `${words.replace(' AS', '')} IF NOT EXISTS`;
  return { description: `Remove the duplicate ${words} (${origin}); write ${ifNotExists} only if both definitions are the same, since it keeps whichever ran first` };
}

/** The fix for a name the statement gives twice. */
function twiceFix(twice: GivenTwice): FixInput {
  const { object } = twice;
  if (object.ns === 'col') return { description: `Remove the second ADD COLUMN ${object.name}, or give that column another name` };
  if (object.ns === 'label') return { description: `Remove the second '${object.name}' from the enum's labels` };
  return { description: `Remove the second constraint ${object.name}, or give it another name: a table's constraints need names of their own` };
}

/** A CREATE (or a rename) of an object that already exists at that point of the history. */
export const rule: Rule = {
  id: 'create-existing-object',
  description:
    'A CREATE of a table, view, index, sequence, type, schema, column, constraint, enum label, extension, function, procedure, trigger or policy that an earlier migration (or statement) already created and that still exists at that point, a named primary key, unique or exclusion constraint whose index name is taken, or a rename to such a name (in up or down); also a column, constraint or enum label one statement gives twice.',
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
    'AlterEnumStmt',
    'CreateExtensionStmt',
    'CreateFunctionStmt',
    'CreateTrigStmt',
    'CreatePolicyStmt',
  ],
  statement(statement, model, ctx) {
    const version = ctx.options.postgresVersion;
    const found = conflicts(statement, model, version);
    for (const twice of givenTwice(statement)) {
      // Already there before the statement: the conflicts below say so.
      if (found.some((c) => c.object.ns === twice.object.ns && c.object.name === twice.object.name)) continue;
      ctx.report({
        at: statement,
        offset: offsetInStatement(statement, twice.location),
        message: `${twice.what} is given twice in this statement`,
        help: 'Postgres refuses a statement that creates one name twice ("column ... of relation ... already exists", "constraint ... for relation ... already exists", "check constraint ... already exists", "relation ... already exists" for a second unique constraint\'s index, a duplicate key in pg_enum for a label), so the migration fails wherever it runs.',
        fix: twiceFix(twice),
      });
    }
    for (const conflict of found) {
      const { key, kind, trace, object } = conflict;
      const origin = traceText(trace, statement);
      const what = conflict.what ?? `${kind} ${key}`;
      const target = conflict.target ?? key;
      const renaming = conflict.renamed !== undefined ? `${conflict.renamed}` : statement.kind === 'RenameStmt' && object.kind === 'column' ? `column ${key.slice(0, key.lastIndexOf('.'))}.${statement.ast.subname}` : undefined;
      let message: string;
      if (object.kind === 'constraint' && object.ns === 'rel') {
        // The constraint's index takes its name: what is in the way is a relation of that name.
        const up = statement.section === 'down' ? (byOwnUp(trace, statement) ? 'up creates it' : `${origin}; up does not drop it`) : undefined;
        message = `constraint ${object.name} gives its index the name ${key}, but ${what} ${up ? `exists after up (${up})` : `already exists at this point of the history (${origin})`}`;
      } else if (statement.section === 'down') {
        const up = byOwnUp(trace, statement) ? 'up creates it' : `${origin}; up does not drop it`;
        message = renaming ? `down renames ${renaming} to ${target}, but ${what} exists after up (${up})` : `down creates ${what}, which still exists after up (${up})`;
      } else {
        message = renaming ? `renames ${renaming} to ${target}, but ${what} already exists at this point of the history (${origin})` : `${what} already exists at this point of the history (${origin})`;
      }
      ctx.report({
        at: statement,
        message,
        help: 'Postgres refuses to create an object that already exists ("relation ... already exists", "column ... already exists", "constraint ... for relation ... already exists", "function ... already exists with same argument types", "enum label ... already exists"), so the migration fails on a fresh database, in CI and in production, even where it once worked: two branches that each create it, a migration edited after it ran.',
        fix: fixOf(statement, conflict, origin, version),
      });
    }
  },
};
