import { displayName, q } from '../analysis/ast.js';
import type { Rule } from '../types.js';

/** TRUNCATE ... CASCADE. */
export const rule: Rule = {
  id: 'ban-truncate-cascade',
  description: 'TRUNCATE ... CASCADE, which also empties every table that references the named ones.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['TruncateStmt'],
  statement(statement, _model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'TruncateStmt' || statement.ast.behavior !== 'DROP_CASCADE') return;
    const names = ((statement.ast.relations ?? []) as any[]).map((r) => q(displayName(r.RangeVar)));
    const stripped = statement.text.replace(/\s+cascade\s*$/i, '');
    ctx.report({
      at: statement,
      message: `TRUNCATE ... CASCADE empties ${names.join(', ')} and also every table that references ${names.length === 1 ? 'it' : 'them'} through a foreign key, including tables it does not name.`,
      help: 'Name every table to empty, without CASCADE: PostgreSQL then refuses instead of emptying tables nobody listed.',
      fix: stripped !== statement.text ? { description: 'Remove CASCADE and list the tables explicitly', replacement: stripped, replaces: 'statement' } : undefined,
    });
  },
};
