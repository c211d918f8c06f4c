import { CowMap } from '../model/cow-map.js';
import type { Schema } from '../model/schema.js';
import { sectionTarget } from '../positions.js';
import type { ColumnModel, ConstraintModel, LintMigration, Rule, SchemaModel } from '../types.js';

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

interface KeyDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** No differences: what most comparisons find (up and down touch few collections). */
const SAME: KeyDiff = Object.freeze({ added: [], removed: [], changed: [] });

/** True when two copy-on-write maps still share every bucket: nothing differs, nothing to read. */
function allShared<V>(a: CowMap<V>, b: CowMap<V>): boolean {
  for (let i = 0; i < CowMap.bucketCount; i++) if (!a.sameBucket(b, i)) return false;
  return true;
}

/** Keys added to, removed from and changed between two collections; shared buckets are skipped unread. */
function diffKeys<V>(a: ReadonlyMap<string, V> | ReadonlySet<string>, b: ReadonlyMap<string, V> | ReadonlySet<string>): KeyDiff {
  if (a === b || (a instanceof CowMap && b instanceof CowMap && allShared(a, b))) return SAME;
  const out = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
  const get = (m: typeof a, k: string) => ('get' in m ? m.get(k) : m.has(k) ? k : undefined);
  const compare = (keysOfB: Iterable<string>, keysOfA: Iterable<string>) => {
    for (const k of keysOfB) {
      const x = get(a, k);
      if (x === undefined) out.added.push(k);
      else if (x !== get(b, k)) out.changed.push(k);
    }
    for (const k of keysOfA) if (get(b, k) === undefined) out.removed.push(k);
  };
  if (a instanceof CowMap && b instanceof CowMap) {
    for (let i = 0; i < CowMap.bucketCount; i++) if (!a.sameBucket(b, i)) compare(b.bucketKeys(i), a.bucketKeys(i));
  } else compare(b.keys(), a.keys());
  return out;
}

/**
 * Differences between the schema before up and after up + down. With the model after up, an object
 * down drops that up did not create (it was there before: a CREATE ... IF NOT EXISTS created
 * nothing), or one down creates that up did not drop, is said as such rather than blamed on up.
 */
export function compareSchemas(beforeModel: SchemaModel, afterModel: SchemaModel, migration: LintMigration, afterUpModel?: SchemaModel): Difference[] {
  const before = beforeModel as Schema;
  const after = afterModel as Schema;
  const up = afterUpModel as Schema | undefined;
  const out: Difference[] = [];
  /** In the model after up (true when that model is not known: the up section is then blamed). */
  const inUp = (present: (m: Schema) => boolean | undefined) => (up ? present(up) === true : true);
  const left = (what: string, presentAfterUp = true) =>
    out.push({ text: presentAfterUp ? `up creates ${what} and down leaves it behind` : `down creates ${what}, which did not exist before the migration: up did not drop it` });
  const missing = (what: string, presentAfterUp = false) =>
    out.push({ text: presentAfterUp ? `down drops ${what}, which existed before the migration: up did not create it` : `up drops ${what} and down does not recreate it` });
  const upTable = (name: string) => up?.tableMap.get(name);
  const tables = diffKeys(before.tableMap, after.tableMap);
  for (const name of tables.added) left(`table ${name}`, inUp((m) => m.tableMap.has(name)));
  for (const name of tables.removed) missing(`table ${name}`, up !== undefined && up.tableMap.has(name));
  for (const name of tables.changed) {
    const a = before.tableMap.get(name)!;
    const b = after.tableMap.get(name)!;
    const columns = diffKeys(a.columns, b.columns);
    for (const col of columns.added) left(`column ${name}.${col}`, inUp(() => upTable(name)?.columns.has(col)));
    for (const col of columns.removed) missing(`column ${name}.${col}`, upTable(name)?.columns.has(col) === true);
    for (const col of columns.changed) {
      const c = a.columns.get(col)!;
      const now = b.columns.get(col)!;
      if (columnType(c) !== columnType(now)) out.push({ text: `column ${name}.${col} is ${columnType(c)} before the migration but ${columnType(now)} after up and down` });
      if (c.notNull !== now.notNull) out.push({ text: `column ${name}.${col} is ${c.notNull ? 'NOT NULL' : 'nullable'} before the migration but ${now.notNull ? 'NOT NULL' : 'nullable'} after up and down` });
      if (c.hasDefault !== now.hasDefault) out.push({ text: `column ${name}.${col} ${c.hasDefault ? 'has a default' : 'has no default'} before the migration but ${now.hasDefault ? 'has one' : 'none'} after up and down` });
      if (c.identity !== now.identity) out.push({ text: `column ${name}.${col} is ${c.identity ? `an identity (${c.identity})` : 'not an identity'} before the migration but ${now.identity ? `an identity (${now.identity})` : 'not'} after up and down` });
    }
    const constraints = diffKeys(a.constraints, b.constraints);
    for (const cname of constraints.added) left(`${describeConstraint(b.constraints.get(cname)!)} on ${name}`, inUp(() => upTable(name)?.constraints.has(cname)));
    for (const cname of constraints.removed) missing(`${describeConstraint(a.constraints.get(cname)!)} on ${name}`, upTable(name)?.constraints.has(cname) === true);
    if (a.rowSecurity !== b.rowSecurity) out.push({ text: `row level security on ${name} is ${a.rowSecurity ? 'enabled' : 'disabled'} before the migration but ${b.rowSecurity ? 'enabled' : 'disabled'} after up and down` });
  }
  const tableBefore = (name: string | undefined) => name !== undefined && (before.tableMap.has(name) || before.viewMap.has(name));
  const tableAfter = (name: string | undefined) => name !== undefined && (after.tableMap.has(name) || after.viewMap.has(name));

  const views = diffKeys(before.viewMap, after.viewMap);
  for (const name of views.added) left(`${after.viewMap.get(name)!.kind} ${name}`, inUp((m) => m.viewMap.has(name)));
  for (const name of views.removed) missing(`${before.viewMap.get(name)!.kind} ${name}`, up?.viewMap.has(name) === true);

  // Indexes behind constraints are reported with their constraint, those of new or dropped tables with the table.
  const indexes = diffKeys(before.indexMap, after.indexMap);
  for (const name of indexes.added) {
    const index = after.indexMap.get(name)!;
    if (!index.constraint && tableBefore(index.table)) left(`index ${name}`, inUp((m) => m.indexMap.has(name)));
  }
  for (const name of indexes.removed) {
    const index = before.indexMap.get(name)!;
    if (!index.constraint && tableAfter(index.table)) missing(`index ${name}`, up?.indexMap.has(name) === true);
  }

  const sequences = diffKeys(before.sequences, after.sequences);
  const ownerOf = (owner: string | undefined) => (owner ? owner.slice(0, owner.lastIndexOf('.')) : undefined);
  for (const name of sequences.added) if (!after.sequences.get(name)!.ownedBy || tableBefore(ownerOf(after.sequences.get(name)!.ownedBy))) left(`sequence ${name}`, inUp((m) => m.sequences.has(name)));
  for (const name of sequences.removed) if (!before.sequences.get(name)!.ownedBy || tableAfter(ownerOf(before.sequences.get(name)!.ownedBy))) missing(`sequence ${name}`, up?.sequences.has(name) === true);

  const types = diffKeys(before.types, after.types);
  for (const name of types.added) left(`${after.types.get(name)!.kind === 'composite' ? 'type' : after.types.get(name)!.kind} ${name}`, inUp((m) => m.types.has(name)));
  for (const name of types.removed) missing(`${before.types.get(name)!.kind === 'composite' ? 'type' : before.types.get(name)!.kind} ${name}`, up?.types.has(name) === true);
  for (const name of types.changed) {
    const a = before.types.get(name)!.labels ?? [];
    const b = after.types.get(name)!.labels ?? [];
    const added = b.filter((l) => !a.includes(l));
    for (const label of added) {
      const byAlter = migration.up.some((s) => s.kind === 'AlterEnumStmt' && s.ast.newVal === label && !s.ast.oldVal);
      out.push({
        text: byAlter
          ? `up adds the value '${label}' to enum ${name}, and Postgres cannot drop an enum value: down must recreate the type without it, or the migration must declare "--! Irreversible: <reason>"`
          : `enum ${name} has the value '${label}' after up and down that it did not have before`,
      });
    }
    for (const label of a.filter((l) => !b.includes(l))) out.push({ text: `enum ${name} loses the value '${label}' after up and down` });
  }

  const functions = diffKeys(before.functions, after.functions);
  const schemaOf = (key: string) => key.slice(0, key.lastIndexOf('.'));
  const upHasFunction = (name: string, sig: string) => up?.functions.get(name)?.has(sig) === true;
  for (const name of functions.added) for (const sig of after.functions.get(name)!) left(`function ${schemaOf(name)}.${sig}`, !up || upHasFunction(name, sig));
  for (const name of functions.removed) for (const sig of before.functions.get(name)!) missing(`function ${schemaOf(name)}.${sig}`, upHasFunction(name, sig));
  for (const name of functions.changed) {
    const a = before.functions.get(name)!;
    const b = after.functions.get(name)!;
    const schema = name.slice(0, name.lastIndexOf('.'));
    for (const sig of b) if (!a.has(sig)) left(`function ${schema}.${sig}`, !up || upHasFunction(name, sig));
    for (const sig of a) if (!b.has(sig)) missing(`function ${schema}.${sig}`, upHasFunction(name, sig));
  }

  for (const [label, a, b, c] of [['trigger', before.triggers, after.triggers, up?.triggers], ['policy', before.policies, after.policies, up?.policies]] as const) {
    const d = diffKeys<{ table: string }>(a, b);
    for (const name of d.added) if (tableBefore(b.get(name)!.table)) left(`${label} ${name}`, !c || c.has(name));
    for (const name of d.removed) if (tableAfter(a.get(name)!.table)) missing(`${label} ${name}`, c?.has(name) === true);
  }
  for (const [label, a, b, c] of [['extension', before.extensions, after.extensions, up?.extensions], ['schema', before.schemas, after.schemas, up?.schemas]] as const) {
    const d = diffKeys(a, b);
    for (const name of d.added) left(`${label} ${name}`, !c || c.has(name));
    for (const name of d.removed) missing(`${label} ${name}`, c?.has(name) === true);
  }

  // Grants on tables that come or go are reported with the table.
  const grants = diffKeys(before.grantMap, after.grantMap);
  for (const key of grants.added) {
    const g = after.grantMap.get(key)!;
    if (g.kind !== 'table' || tableBefore(g.object)) left(`the grant ${key}`, inUp((m) => m.grantMap.has(key)));
  }
  for (const key of grants.removed) {
    const g = before.grantMap.get(key)!;
    if (g.kind !== 'table' || tableAfter(g.object)) missing(`the grant ${key}`, up?.grantMap.has(key) === true);
  }
  return out;
}


/** The down section does not undo what the up section does. */
export const rule: Rule = {
  id: 'down-reverses-up',
  description: 'A down section that does not undo the up section: objects up creates that down leaves behind, or objects up drops that down does not recreate.',
  defaultSeverity: 'error',
  kind: 'governance',
  migration(migration, { before, afterUp, afterDown }, ctx) {
    if (!afterDown || migration.syntaxErrors.length > 0) return;
    for (const difference of compareSchemas(before, afterDown, migration, afterUp)) {
      ctx.report({
        at: sectionTarget(migration, 'down'),
        message: difference.text,
        help: 'After `pgwarden down`, the schema must be what it was before `up`; otherwise rolling back and re-applying fails or leaves debris. Make the down section undo every change of the up section, in reverse order.',
      });
    }
  },
};
