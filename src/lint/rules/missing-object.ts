import { absences, byOwnUp, traceText, whoText, type Absence } from '../analysis/object-existence.js';
import type { FixInput, LintStatement, Rule } from '../types.js';

/** Why it is not there: `dropped by migrations/x.sql, revision R`, `schema app was dropped by ...`. */
function reason(absence: Absence, statement: LintStatement): string {
  if (absence.schemaGone !== undefined) return `schema ${absence.schemaGone} was ${traceText(absence.trace, statement)}`;
  if (absence.neverIn !== undefined) return `${absence.neverInKind ?? 'table'} ${absence.neverIn} was created without it by ${whoText(absence.trace, statement)}`;
  return traceText(absence.trace, statement);
}

function fixOf(statement: LintStatement, absence: Absence, why: string): FixInput {
  const { object, trace } = absence;
  const key = absence.what ?? absence.key;
  if (statement.section === 'down') {
    return { description: `Down runs on the schema up leaves, where ${key} does not exist: remove this statement from the down section (or fix up, if it was meant to create ${key})` };
  }
  if (trace.how === 'renamed' || trace.how === 'moved') {
    if (absence.schemaGone === undefined && absence.neverIn === undefined) return { description: `Use its current name, ${trace.other} (${why})` };
  }
  if (object.verb === 'drops' && absence.schemaGone === undefined && absence.neverIn === undefined) {
    const words = object.kind === 'column' ? 'DROP COLUMN' : `DROP ${object.kind.toUpperCase()}`;
    return { description: `Remove the duplicate ${words} (${why}); write ${words} IF EXISTS only if databases built another way may still have it` };
  }
  return { description: `Remove the statement, or create ${key} before it (${why})` };
}

/** A DROP, ALTER, RENAME (or COMMENT, CREATE INDEX ON) of an object that does not exist at that point of the history. */
export const rule: Rule = {
  id: 'missing-object',
  description:
    'A DROP, ALTER, RENAME or COMMENT of a table, view, index, sequence, type, schema, column, constraint, enum label, extension, function, procedure, trigger or policy that does not exist at that point of the history because an earlier migration (or statement) dropped or renamed it, or its table (or enum) never had it (in up or down).',
  defaultSeverity: 'error',
  kind: 'governance',
  statementKinds: [
    'DropStmt',
    'AlterTableStmt',
    'RenameStmt',
    'AlterObjectSchemaStmt',
    'AlterSeqStmt',
    'AlterEnumStmt',
    'AlterDomainStmt',
    'CommentStmt',
    'IndexStmt',
    'AlterExtensionStmt',
    'AlterExtensionContentsStmt',
    'AlterFunctionStmt',
    'AlterPolicyStmt',
  ],
  statement(statement, model, ctx) {
    for (const absence of absences(statement, model)) {
      const { key, object, trace } = absence;
      const what = absence.what ?? `${object.kind} ${key}`;
      const why = reason(absence, statement);
      let message: string;
      if (statement.section === 'down') {
        const up = byOwnUp(trace, statement) && absence.neverIn === undefined ? `up ${trace.how === 'renamed' ? `renames it to ${trace.other}` : trace.how === 'moved' ? `moves it to ${trace.other}` : 'drops it'}` : `${why}; up does not create it`;
        message = `down ${object.verb} ${what}, which does not exist after up (${up})`;
      } else {
        message = `${what} does not exist at this point of the history (${why})`;
      }
      ctx.report({
        at: statement,
        message,
        help: 'Postgres refuses to drop or change an object that does not exist ("relation ... does not exist", "column ... does not exist", "constraint ... of relation ... does not exist", "function ... does not exist"), so the migration fails on a fresh database, in CI and in production: two branches that each drop it, a rename the statement does not follow, a migration edited after it ran.',
        fix: fixOf(statement, absence, why),
      });
    }
  },
};
