import { columnList, rangeVarName } from '../model/names.js';
import type { LintStatement, Rule, RuleContext, SchemaModel } from '../types.js';

interface ForeignKey {
  /** Referencing table as written. */
  table: string;
  columns: string[];
  refSchema: string | undefined;
  refName: string;
  refColumns: string[];
}

/** The foreign keys a statement adds. */
function foreignKeys(statement: LintStatement): ForeignKey[] {
  const out: ForeignKey[] = [];
  const { kind, ast } = statement;
  const add = (table: string, constraint: any, column: string | undefined) => {
    if (constraint?.contype !== 'CONSTR_FOREIGN') return;
    const { schema, name } = rangeVarName(constraint.pktable);
    out.push({ table, columns: constraint.fk_attrs ? columnList(constraint.fk_attrs) : column ? [column] : [], refSchema: schema, refName: name, refColumns: columnList(constraint.pk_attrs) });
  };
  const columnConstraints = (table: string, def: any) => {
    for (const c of def?.constraints ?? []) add(table, c.Constraint, def.colname);
  };
  if (kind === 'CreateStmt') {
    const table = qualifiedName(rangeVarName(ast.relation));
    for (const element of ast.tableElts ?? []) {
      if (element.ColumnDef) columnConstraints(table, element.ColumnDef);
      else if (element.Constraint) add(table, element.Constraint, undefined);
    }
  } else if (kind === 'AlterTableStmt') {
    const table = qualifiedName(rangeVarName(ast.relation));
    for (const node of ast.cmds ?? []) {
      const cmd = node.AlterTableCmd;
      if (cmd?.subtype === 'AT_AddConstraint') add(table, cmd.def?.Constraint, undefined);
      if (cmd?.subtype === 'AT_AddColumn') columnConstraints(table, cmd.def?.ColumnDef);
    }
  }
  return out;
}

function qualifiedName(name: { schema: string | undefined; name: string }): string {
  return name.schema ? `${name.schema}.${name.name}` : name.name;
}

/** The later migration whose up section creates a table, if any. */
function laterCreator(ctx: RuleContext, statement: LintStatement, qualified: string) {
  return ctx.migrations.find((m) => m.order > statement.migration.order && m.createdTables.has(qualified));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** A foreign key that references a table or columns that do not exist, or columns with no primary key or unique constraint. */
export const rule: Rule = {
  id: 'fk-target-exists',
  description: 'A foreign key that references a table or columns that do not exist at that point of the history, or columns without a primary key or unique constraint.',
  defaultSeverity: 'error',
  kind: 'governance',
  statementKinds: ['CreateStmt', 'AlterTableStmt'],
  statement(statement, model, ctx) {
    const keys = foreignKeys(statement);
    if (keys.length === 0) return;
    // A table that references itself (or a column the same statement adds): check against the model after the statement.
    let after: SchemaModel | undefined;
    const afterStatement = () => {
      if (!after) {
        after = model.clone();
        after.apply(statement);
      }
      return after;
    };
    for (const key of keys) {
      const refWritten = qualifiedName({ schema: key.refSchema, name: key.refName });
      let view: SchemaModel = model;
      let target = model.table(refWritten);
      const selfReference = target === undefined ? refWritten === key.table : target.qualified === model.table(key.table)?.qualified;
      if (selfReference) {
        view = afterStatement();
        target = view.table(refWritten);
      }
      const columnsText = key.refColumns.length > 0 ? ` (${key.refColumns.join(', ')})` : '';
      if (!target) {
        const qualified = key.refSchema ? refWritten : `public.${key.refName}`;
        const later = statement.section === 'up' ? laterCreator(ctx, statement, qualified) : undefined;
        ctx.report({
          at: statement,
          message: later
            ? `foreign key on ${key.table} references ${refWritten}, which does not exist yet: it is created by the later migration ${later.relPath} (revision ${later.file.revision})`
            : `foreign key on ${key.table} references ${refWritten}${columnsText}, which does not exist at this point of the history`,
          help: 'Postgres refuses a foreign key to a table that does not exist, so this migration fails on a fresh database even if it worked where the table was created by hand.',
          fix: later
            ? { description: `Add the foreign key in a migration after ${later.file.revision}, or move this migration after it (change its "Revises:")` }
            : { description: `Create ${refWritten} in an earlier migration, or fix the table name` },
        });
        continue;
      }
      const refColumns = key.refColumns.length > 0 ? key.refColumns : [...target.constraints.values()].find((c) => c.type === 'primary')?.columns ?? [];
      if (key.refColumns.length === 0 && refColumns.length === 0) {
        ctx.report({
          at: statement,
          message: `foreign key on ${key.table} references ${target.qualified} without naming columns, and ${target.qualified} has no primary key`,
          help: 'REFERENCES without columns means the primary key; Postgres refuses it when there is none.',
          fix: { description: `Name the referenced columns (which must have a unique constraint), or add a primary key to ${target.qualified}` },
        });
        continue;
      }
      const missing = refColumns.filter((c) => !target.columns.has(c));
      if (missing.length > 0) {
        ctx.report({
          at: statement,
          message: `foreign key on ${key.table} references ${target.qualified} (${refColumns.join(', ')}), but ${target.qualified} has no column ${missing.join(', ')}`,
          help: 'Postgres refuses a foreign key to a column that does not exist.',
          fix: { description: `Reference existing columns of ${target.qualified}: ${[...target.columns.keys()].join(', ')}` },
        });
        continue;
      }
      const keyed =
        [...target.constraints.values()].some((c) => (c.type === 'primary' || c.type === 'unique') && sameSet(c.columns, refColumns)) ||
        [...target.indexes].some((name) => {
          const index = view.index(name);
          return index !== undefined && index.unique && !index.partial && sameSet(index.columns, refColumns);
        });
      if (!keyed) {
        ctx.report({
          at: statement,
          message: `foreign key on ${key.table} references ${target.qualified} (${refColumns.join(', ')}), which has no primary key or unique constraint on those columns`,
          help: 'Postgres requires the referenced columns to be unique ("there is no unique constraint matching given keys for referenced table").',
          fix: { description: `Add UNIQUE (${refColumns.join(', ')}) to ${target.qualified} in an earlier migration, or reference its primary key` },
        });
      }
    }
  },
};
