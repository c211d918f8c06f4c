import { q, strings } from '../analysis/ast.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { Rule } from '../types.js';

/** The constraints of a domain that existing data must satisfy when they change (not DEFAULT, not NULL). */
const CHECKED = new Set(['CONSTR_CHECK', 'CONSTR_NOTNULL']);

/** CREATE DOMAIN with a CHECK or NOT NULL constraint. */
export const rule: Rule = {
  id: 'ban-create-domain-with-constraint',
  description: 'CREATE DOMAIN with a CHECK or NOT NULL constraint, which can only be changed later by checking every column of the type under a lock that blocks writes.',
  defaultSeverity: 'warning',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['CreateDomainStmt'],
  statement(statement, _model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'CreateDomainStmt') return;
    const constraints = ((statement.ast.constraints ?? []) as any[]).map((c) => c.Constraint).filter((c) => CHECKED.has(c?.contype));
    if (constraints.length === 0) return;
    const name = strings(statement.ast.domainname).join('.');
    const kinds = [...new Set(constraints.map((c) => (c.contype === 'CONSTR_CHECK' ? 'CHECK' : 'NOT NULL')))].join(' and ');
    ctx.report({
      at: statement,
      offset: offsetInStatement(statement, constraints[0].location),
      message: `Domain ${q(name)} is created with a ${kinds} constraint: changing it later takes ALTER DOMAIN, which checks every column of this type, in every table, under a SHARE lock that blocks their writes.`,
      help: 'A domain constraint has no online way to change: ALTER DOMAIN ... ADD CONSTRAINT, SET NOT NULL and VALIDATE CONSTRAINT all lock each table using the domain against writes while they scan it. Keep the domain free of constraints (or use the base type) and put them on the tables, where CHECK ... NOT VALID and a later VALIDATE CONSTRAINT block no reads or writes. PostgreSQL\'s own documentation advises against NOT NULL on a domain: put NOT NULL on the columns.',
      fix: { description: 'Create the domain without constraints, and add them to the tables that use it (ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT)' },
    });
  },
};
