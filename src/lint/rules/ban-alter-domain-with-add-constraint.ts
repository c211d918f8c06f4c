import { q, strings } from '../analysis/ast.js';
import { domainColumns, domainCreatedEarlier, domainKey } from '../analysis/domains.js';
import type { LintStatement, Rule } from '../types.js';

/** What an ALTER DOMAIN that checks the existing data does, for messages; undefined for the others. */
function check(statement: LintStatement): string | undefined {
  const { subtype, def, name } = statement.ast;
  const constraint = def?.Constraint;
  if (subtype === 'C' && constraint?.contype === 'CONSTR_CHECK' && !constraint.skip_validation) return `Adding ${constraint.conname ? `CHECK constraint ${q(constraint.conname)}` : 'a CHECK constraint'}`;
  if (subtype === 'C' && constraint?.contype === 'CONSTR_NOTNULL') return `Adding ${constraint.conname ? `NOT NULL constraint ${q(constraint.conname)}` : 'a NOT NULL constraint'}`;
  if (subtype === 'O') return 'SET NOT NULL';
  if (subtype === 'V' && name) return `Validating constraint ${q(name)}`;
  return undefined;
}

/** ALTER DOMAIN ... ADD CONSTRAINT (without NOT VALID), SET NOT NULL or VALIDATE CONSTRAINT on a domain that existed before the migration. */
export const rule: Rule = {
  id: 'ban-alter-domain-with-add-constraint',
  description: 'ALTER DOMAIN that checks existing data (ADD CONSTRAINT without NOT VALID, SET NOT NULL, VALIDATE CONSTRAINT), scanning every table using the domain under a lock that blocks writes.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterDomainStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'AlterDomainStmt') return;
    const what = check(statement);
    if (!what) return;
    const names = strings(statement.ast.typeName);
    const key = domainKey(names);
    if (domainCreatedEarlier(statement, key)) return;
    const columns = domainColumns(model, key);
    const known = columns.length > 0 ? ` (the history shows ${columns.map(q).join(', ')})` : '';
    const constraint = statement.ast.def?.Constraint;
    const notValid = statement.ast.subtype === 'C' && constraint?.contype === 'CONSTR_CHECK';
    ctx.report({
      at: statement,
      message: `${what} on domain ${q(names.join('.'))} checks every column of that type${known} under a SHARE lock on each table: writes to them wait until the scan ends.`,
      help: notValid
        ? 'Add it NOT VALID: that checks only new and updated values, and locks no table. Validating it later still takes the same SHARE locks for its scan (ALTER DOMAIN has no lighter lock for it, unlike ALTER TABLE), so run VALIDATE CONSTRAINT when the tables are quiet, with a low `--! Lock-Timeout:`, or put the constraint on the tables instead (CHECK ... NOT VALID, then VALIDATE CONSTRAINT, which blocks no writes there).'
        : 'There is no online way to check a domain\'s existing values: run it when the tables are quiet, with a low `--! Lock-Timeout:`, or put the constraint on the tables that use the domain (CHECK ... NOT VALID, then VALIDATE CONSTRAINT, which blocks no writes there; NOT NULL on the columns).',
      fix: notValid ? { description: 'Add the constraint NOT VALID (and validate it when the tables are quiet)', replacement: `${statement.text} NOT VALID`, replaces: 'statement' } : undefined,
    });
  },
};
