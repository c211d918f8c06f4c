import type { Schema } from '../model/schema.js';
import { sectionTarget } from '../positions.js';
import type { ColumnModel, ConstraintModel, LintMigration, ObjectKind, Rule, SchemaModel } from '../types.js';

const OBJECT_KINDS: ReadonlyArray<[ObjectKind, string]> = [
  ['view', 'view'],
  ['materialized view', 'materialized view'],
  ['index', 'index'],
  ['sequence', 'sequence'],
  ['type', 'type'],
  ['function', 'function'],
  ['trigger', 'trigger'],
  ['policy', 'policy'],
  ['extension', 'extension'],
  ['schema', 'schema'],
];

function columnType(c: ColumnModel): string {
  return `${c.type}${c.typmods.length > 0 ? `(${c.typmods.join(',')})` : ''}${c.isArray ? '[]' : ''}`;
}

function describeConstraint(c: ConstraintModel): string {
  const kind = c.type === 'foreign' ? 'foreign key' : c.type === 'primary' ? 'primary key' : c.type;
  return `${kind} constraint ${c.name}`;
}

/** One difference between the schema before the up section and after up then down. */
interface Difference {
  text: string;
}

/** Differences between the schema before up and after up + down. */
export function compareSchemas(before: SchemaModel, after: SchemaModel, migration: LintMigration): Difference[] {
  const out: Difference[] = [];
  const left = (what: string) => out.push({ text: `up creates ${what} and down leaves it behind` });
  const missing = (what: string) => out.push({ text: `up drops ${what} and down does not recreate it` });
  const beforeTables = new Set(before.objects('table'));
  const afterTables = new Set(after.objects('table'));
  for (const name of afterTables) if (!beforeTables.has(name)) left(`table ${name}`);
  for (const name of beforeTables) if (!afterTables.has(name)) missing(`table ${name}`);
  for (const name of beforeTables) {
    const a = before.table(name);
    const b = after.table(name);
    if (!a || !b) continue;
    for (const col of b.columns.keys()) if (!a.columns.has(col)) left(`column ${name}.${col}`);
    for (const [col, c] of a.columns) {
      const now = b.columns.get(col);
      if (!now) {
        missing(`column ${name}.${col}`);
        continue;
      }
      if (columnType(c) !== columnType(now)) out.push({ text: `column ${name}.${col} is ${columnType(c)} before the migration but ${columnType(now)} after up and down` });
      if (c.notNull !== now.notNull) out.push({ text: `column ${name}.${col} is ${c.notNull ? 'NOT NULL' : 'nullable'} before the migration but ${now.notNull ? 'NOT NULL' : 'nullable'} after up and down` });
      if (c.hasDefault !== now.hasDefault) out.push({ text: `column ${name}.${col} ${c.hasDefault ? 'has' : 'has no'} default before the migration but ${now.hasDefault ? 'has one' : 'none'} after up and down` });
      if (c.identity !== now.identity) out.push({ text: `column ${name}.${col} identity (${c.identity ?? 'none'}) is ${now.identity ?? 'none'} after up and down` });
    }
    for (const [cname, c] of b.constraints) if (!a.constraints.has(cname)) left(`${describeConstraint(c)} on ${name}`);
    for (const [cname, c] of a.constraints) if (!b.constraints.has(cname)) missing(`${describeConstraint(c)} on ${name}`);
    if ((a.rowSecurity ?? false) !== (b.rowSecurity ?? false)) out.push({ text: `row level security on ${name} is ${a.rowSecurity ? 'enabled' : 'disabled'} before the migration but ${b.rowSecurity ? 'enabled' : 'disabled'} after up and down` });
  }
  for (const [kind, label] of OBJECT_KINDS) {
    const a = new Set(before.objects(kind));
    const b = new Set(after.objects(kind));
    for (const name of b) {
      if (a.has(name)) continue;
      // Indexes behind constraints are reported with their constraint.
      if (kind === 'index' && after.index(name)?.constraint) continue;
      if (kind === 'index' && !beforeTables.has(after.index(name)?.table ?? '') && !before.view(after.index(name)?.table ?? '')) continue;
      if (kind === 'sequence' && ownedByNewTable(name, after, beforeTables)) continue;
      if ((kind === 'trigger' || kind === 'policy') && onOtherTable(name, beforeTables)) continue;
      left(`${label} ${name}`);
    }
    for (const name of a) {
      if (b.has(name)) continue;
      if (kind === 'index' && before.index(name)?.constraint) continue;
      if (kind === 'index' && !afterTables.has(before.index(name)?.table ?? '') && !after.view(before.index(name)?.table ?? '')) continue;
      if (kind === 'sequence' && ownedByNewTable(name, before, afterTables)) continue;
      if ((kind === 'trigger' || kind === 'policy') && onOtherTable(name, afterTables)) continue;
      missing(`${label} ${name}`);
    }
  }
  for (const name of before.objects('enum')) {
    const a = before.enumLabels(name) ?? [];
    const b = after.enumLabels(name);
    if (!b) continue;
    const added = b.filter((l) => !a.includes(l));
    const addedByAlter = added.filter((label) => migration.up.some((s) => s.kind === 'AlterEnumStmt' && s.ast.newVal === label && !s.ast.oldVal));
    for (const label of addedByAlter) {
      out.push({ text: `up adds the value '${label}' to enum ${name} and down cannot remove it (Postgres cannot drop an enum value): recreate the type in down without it, or declare the migration "--! Irreversible: <reason>"` });
    }
    for (const label of added.filter((l) => !addedByAlter.includes(l))) out.push({ text: `enum ${name} has the value '${label}' after up and down that it did not have before` });
    for (const label of a.filter((l) => !b.includes(l))) out.push({ text: `enum ${name} loses the value '${label}' after up and down` });
  }
  const grantsBefore = before.grants();
  const grantsAfter = after.grants();
  for (const g of grantsAfter) if (!grantsBefore.has(g) && !grantOnNewObject(g, beforeTables)) left(`the grant ${g}`);
  for (const g of grantsBefore) if (!grantsAfter.has(g) && !grantOnDroppedObject(g, afterTables)) missing(`the grant ${g}`);
  return out;
}

/** A serial column's sequence goes with its table: reported with the table. */
function ownedByNewTable(sequence: string, model: SchemaModel, tables: Set<string>): boolean {
  const owner = (model as Schema).sequences?.get(sequence)?.ownedBy;
  if (!owner) return false;
  return !tables.has(owner.slice(0, owner.lastIndexOf('.')));
}

/** Triggers and policies go with their table: reported with the table. */
function onOtherTable(key: string, tables: Set<string>): boolean {
  return !tables.has(key.slice(0, key.lastIndexOf('.')));
}

/** Grants on a table that down leaves behind are reported with the table. */
function grantOnNewObject(grant: string, beforeTables: Set<string>): boolean {
  const match = / ON table (\S+) TO /.exec(grant);
  return match !== null && !beforeTables.has(match[1]!);
}

function grantOnDroppedObject(grant: string, afterTables: Set<string>): boolean {
  const match = / ON table (\S+) TO /.exec(grant);
  return match !== null && !afterTables.has(match[1]!);
}

/** The down section does not undo what the up section does. */
export const rule: Rule = {
  id: 'down-reverses-up',
  description: 'A down section that does not undo the up section: objects up creates that down leaves behind, or objects up drops that down does not recreate.',
  defaultSeverity: 'error',
  kind: 'governance',
  migration(migration, { before, afterDown }, ctx) {
    if (!afterDown || migration.syntaxErrors.length > 0) return;
    for (const difference of compareSchemas(before, afterDown, migration)) {
      ctx.report({
        at: sectionTarget(migration, 'down'),
        message: difference.text,
        help: 'After `pgwarden down`, the schema must be what it was before `up`; otherwise rolling back and re-applying fails or leaves debris. Make the down section undo every change of the up section, in reverse order.',
      });
    }
  },
};
