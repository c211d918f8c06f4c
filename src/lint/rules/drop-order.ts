import { listName, objectName, rangeVarName } from '../model/names.js';
import type { Dependent, LintStatement, Rule, RuleContext, SchemaModel } from '../types.js';

function blocking(dependents: Dependent[], dropped: ReadonlySet<string>): Dependent[] {
  return dependents.filter((d) => {
    if (d.kind === 'foreign key') return !dropped.has(d.table!);
    if (d.kind === 'view' || d.kind === 'materialized view') return !dropped.has(d.name);
    return false;
  });
}

function describe(d: Dependent): string {
  if (d.kind === 'foreign key') {
    const constraint = d.name.slice(d.table!.length + 1);
    return `the foreign key ${constraint} of ${d.table}`;
  }
  return `the ${d.kind} ${d.name}`;
}

function firstStep(d: Dependent): string {
  if (d.kind === 'foreign key') return `ALTER TABLE ${d.table} DROP CONSTRAINT ${d.name.slice(d.table!.length + 1)} (or drop ${d.table})`;
  return `DROP ${d.kind.toUpperCase()} ${d.name}`;
}

function report(ctx: RuleContext, statement: LintStatement, what: string, deps: Dependent[]): void {
  const names = deps.map(describe);
  ctx.report({
    at: statement,
    message: `${what} while ${names.join(', ')} still ${deps.length === 1 ? 'depends' : 'depend'} on it: Postgres refuses the drop ("cannot drop ... because other objects depend on it")`,
    help: 'Drop what depends on an object before the object itself: foreign keys and views first. In a down section, undo the up section in reverse order.',
    fix: { description: `First ${deps.map(firstStep).join('; then ')}; then ${what.replace(/^DROP/, 'drop')}` },
  });
}

/** ALTER COLUMN ... TYPE of a column a view reads: Postgres refuses it (views are not rewritten for it). */
function reportTypeChange(ctx: RuleContext, statement: LintStatement, column: string, views: Dependent[]): void {
  const names = views.map(describe);
  ctx.report({
    at: statement,
    message: `ALTER COLUMN ${column} TYPE while ${names.join(', ')} still ${views.length === 1 ? 'reads' : 'read'} it: Postgres refuses the change ("cannot alter type of a column used by a view or rule")`,
    help: 'Drop the views that read the column first, change its type, then create them again, in the same migration (and the same in reverse in its down section).',
    fix: { description: `First ${views.map(firstStep).join('; then ')}; then change the type of ${column}, and create the ${views.length === 1 ? 'view' : 'views'} again` },
  });
}

/** A table or column dropped while a foreign key or view still depends on it, or a column's type changed while a view reads it. */
export const rule: Rule = {
  id: 'drop-order',
  description: 'A table, view or column dropped while a foreign key or view still depends on it, or a column a view reads changed in type (in up or down).',
  defaultSeverity: 'error',
  kind: 'governance',
  statementKinds: ['DropStmt', 'AlterTableStmt'],
  statement(statement, model: SchemaModel, ctx) {
    const { kind, ast } = statement;
    if (kind === 'DropStmt' && ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(ast.removeType) && ast.behavior !== 'DROP_CASCADE') {
      const keys: string[] = [];
      for (const object of ast.objects ?? []) {
        const { schema, name } = listName(objectName(object));
        const written = schema ? `${schema}.${name}` : name;
        const key = model.table(written)?.qualified ?? model.view(written)?.qualified;
        if (key) keys.push(key);
      }
      const dropped = new Set(keys);
      for (const key of keys) {
        const deps = blocking(model.dependents(key), dropped);
        const noun = model.table(key) ? 'TABLE' : (model.view(key)?.kind ?? 'view').toUpperCase();
        if (deps.length > 0) report(ctx, statement, `DROP ${noun} ${key}`, deps);
      }
      return;
    }
    if (kind === 'AlterTableStmt') {
      const { schema, name } = rangeVarName(ast.relation);
      const table = model.table(schema ? `${schema}.${name}` : name);
      if (!table) return;
      for (const node of ast.cmds ?? []) {
        const cmd = node.AlterTableCmd;
        if (cmd?.subtype === 'AT_AlterColumnType' && table.columns.has(cmd.name)) {
          const views = model.dependents(table.qualified, cmd.name).filter((d) => d.kind === 'view' || d.kind === 'materialized view');
          if (views.length > 0) reportTypeChange(ctx, statement, `${table.qualified}.${cmd.name}`, views);
          continue;
        }
        if (cmd?.subtype !== 'AT_DropColumn' || cmd.behavior === 'DROP_CASCADE' || !table.columns.has(cmd.name)) continue;
        const deps = blocking(model.dependents(table.qualified, cmd.name), new Set()).filter((d) => !(d.kind === 'foreign key' && d.table === table.qualified && !isReferencedColumn(model, d, table.qualified, cmd.name)));
        if (deps.length > 0) report(ctx, statement, `DROP COLUMN ${table.qualified}.${cmd.name}`, deps);
      }
    }
  },
};

/** A table's own foreign key on a dropped column goes with the column; one that references the column does not. */
function isReferencedColumn(model: SchemaModel, d: Dependent, table: string, column: string): boolean {
  const constraint = model.table(d.table!)?.constraints.get(d.name.slice(d.table!.length + 1));
  return constraint?.refTable === table && (constraint.refColumns ?? []).includes(column) && !constraint.columns.includes(column);
}
