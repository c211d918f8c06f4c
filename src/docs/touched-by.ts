import type { CatalogSnapshot } from '../catalog/types.js';
import type { MigrationFile } from '../migrations/types.js';
import { migrationSteps } from '../runner/steps.js';
import { ensureParser, parseSql, type ParsedStatement } from '../sql/parse.js';
import type { TouchingMigration } from './types.js';

/**
 * Which migrations touched each table and view, found statically: every statement of each
 * migration's up section is parsed and the relations it creates, alters, renames, indexes,
 * comments on, grants on, puts triggers or policies on, or writes data to are collected. Renames
 * are followed, so a table lists the migrations that touched it under an earlier name too.
 * Unqualified names are taken to be in `public`. Keyed by the relation's final qualified name.
 */
export async function touchedBy(ordered: readonly MigrationFile[], snapshot?: CatalogSnapshot): Promise<Map<string, TouchingMigration[]>> {
  await ensureParser();
  const tracker = new RelationTracker(snapshot);
  for (const file of ordered) {
    const migration = { revision: file.revision, description: file.description, path: file.path };
    for (const statement of await upStatements(file)) tracker.visit(statement, migration);
  }
  return tracker.result();
}

/** The parsed statements of a migration's up section; none when it cannot be read statically. */
async function upStatements(file: MigrationFile): Promise<ParsedStatement[]> {
  try {
    if (file.kind === 'sql') return file.up ? parseSql(file.up.sql) : [];
    const steps = await migrationSteps(file, 'up');
    return steps.steps.flatMap((step) => parseSql(step.sql));
  } catch {
    // A file the runner applied but the parser cannot read (or a script that needs the database)
    // only loses its line in the per-table lists.
    return [];
  }
}

type RangeVar = { schemaname?: string; relname: string };

const RELATION_OBJECTS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE']);
/** Comment targets named `table.part`: the table is everything but the last name. */
const TABLE_PARTS = new Set(['OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);

class RelationTracker {
  /** Current qualified name -> identity of the relation (stable across renames). */
  private readonly ids = new Map<string, number>();
  /** Qualified index (or constraint index) name -> identity of its table. */
  private readonly indexes = new Map<string, number>();
  private readonly touches = new Map<number, TouchingMigration[]>();
  private next = 1;
  /** Index name -> table, from the final schema, for indexes the walk did not see created. */
  private readonly finalIndexes = new Map<string, string>();

  constructor(snapshot: CatalogSnapshot | undefined) {
    for (const table of Object.values(snapshot?.tables ?? {})) {
      for (const index of table.indexes) this.finalIndexes.set(`${table.schema}.${index.name}`, `${table.schema}.${table.name}`);
    }
    for (const view of Object.values(snapshot?.views ?? {})) {
      for (const index of view.indexes) this.finalIndexes.set(`${view.schema}.${index.name}`, `${view.schema}.${view.name}`);
    }
  }

  result(): Map<string, TouchingMigration[]> {
    const out = new Map<string, TouchingMigration[]>();
    for (const [name, id] of this.ids) {
      const list = this.touches.get(id);
      if (list) out.set(name, list);
    }
    return out;
  }

  private idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) this.ids.set(name, (id = this.next++));
    return id;
  }

  private touch(name: string | undefined, migration: TouchingMigration): number | undefined {
    if (!name) return undefined;
    const id = this.idOf(name);
    const list = this.touches.get(id) ?? [];
    if (list[list.length - 1]?.revision !== migration.revision) list.push(migration);
    this.touches.set(id, list);
    return id;
  }

  private touchIndex(indexName: string | undefined, migration: TouchingMigration): void {
    if (!indexName) return;
    const id = this.indexes.get(indexName);
    if (id !== undefined) {
      const list = this.touches.get(id) ?? [];
      if (list[list.length - 1]?.revision !== migration.revision) list.push(migration);
      this.touches.set(id, list);
      return;
    }
    this.touch(this.finalIndexes.get(indexName), migration);
  }

  private rename(from: string, to: string): void {
    const id = this.idOf(from);
    this.ids.delete(from);
    this.ids.set(to, id);
  }

  visit(statement: ParsedStatement, m: TouchingMigration): void {
    const ast = statement.ast ?? {};
    switch (statement.kind) {
      case 'CreateStmt': {
        const id = this.touch(qualified(ast.relation), m);
        for (const element of (ast.tableElts ?? []) as any[]) {
          const constraints = element.Constraint ? [element.Constraint] : ((element.ColumnDef?.constraints ?? []) as any[]).map((c) => c.Constraint);
          for (const c of constraints) if (c?.conname && id !== undefined) this.indexes.set(`${schemaOf(ast.relation)}.${c.conname}`, id);
        }
        break;
      }
      case 'AlterTableStmt': {
        if (ast.objtype === 'OBJECT_INDEX') {
          this.touchIndex(qualified(ast.relation), m);
          break;
        }
        const id = this.touch(qualified(ast.relation), m);
        for (const cmd of (ast.cmds ?? []) as any[]) {
          const name = cmd.AlterTableCmd?.def?.Constraint?.conname ?? cmd.AlterTableCmd?.def?.Constraint?.indexname;
          if (name && id !== undefined) this.indexes.set(`${schemaOf(ast.relation)}.${name}`, id);
        }
        break;
      }
      case 'IndexStmt': {
        const id = this.touch(qualified(ast.relation), m);
        if (ast.idxname && id !== undefined) this.indexes.set(`${schemaOf(ast.relation)}.${ast.idxname}`, id);
        break;
      }
      case 'RenameStmt': {
        const from = qualified(ast.relation);
        if (!from) break;
        if (ast.renameType === 'OBJECT_INDEX') {
          this.touchIndex(from, m);
          const id = this.indexes.get(from);
          if (id !== undefined) this.indexes.set(`${schemaOf(ast.relation)}.${ast.newname}`, id);
        } else if (RELATION_OBJECTS.has(ast.renameType)) {
          this.touch(from, m);
          this.rename(from, `${schemaOf(ast.relation)}.${ast.newname}`);
        } else {
          this.touch(from, m);
        }
        break;
      }
      case 'AlterObjectSchemaStmt': {
        const from = qualified(ast.relation);
        if (!from || !RELATION_OBJECTS.has(ast.objectType)) break;
        this.touch(from, m);
        this.rename(from, `${ast.newschema}.${ast.relation.relname}`);
        break;
      }
      case 'DropStmt': {
        for (const object of (ast.objects ?? []) as any[]) {
          const name = listName(object);
          if (!name) continue;
          if (ast.removeType === 'OBJECT_INDEX') this.touchIndex(name, m);
          else if (RELATION_OBJECTS.has(ast.removeType)) {
            this.touch(name, m);
            // A table created again later under this name is another table.
            this.ids.delete(name);
          }
        }
        break;
      }
      case 'CommentStmt': {
        if (RELATION_OBJECTS.has(ast.objtype)) this.touch(listName(ast.object), m);
        else if (ast.objtype === 'OBJECT_INDEX') this.touchIndex(listName(ast.object), m);
        else if (TABLE_PARTS.has(ast.objtype)) this.touch(listName(ast.object, 1), m);
        break;
      }
      case 'GrantStmt': {
        if (ast.targtype === 'ACL_TARGET_OBJECT' && RELATION_OBJECTS.has(ast.objtype)) for (const object of (ast.objects ?? []) as any[]) this.touch(qualified(object.RangeVar), m);
        break;
      }
      case 'CreateTrigStmt':
      case 'RuleStmt':
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'CopyStmt':
        this.touch(qualified(ast.relation), m);
        break;
      case 'CreatePolicyStmt':
      case 'AlterPolicyStmt':
        this.touch(qualified(ast.table), m);
        break;
      case 'ViewStmt':
        this.touch(qualified(ast.view), m);
        break;
      case 'CreateTableAsStmt':
        this.touch(qualified(ast.into?.rel), m);
        break;
      case 'TruncateStmt':
        for (const relation of (ast.relations ?? []) as any[]) this.touch(qualified(relation.RangeVar), m);
        break;
      case 'RefreshMatViewStmt':
        this.touch(qualified(ast.relation), m);
        break;
      default:
        break;
    }
  }
}

function schemaOf(relation: RangeVar | undefined): string {
  return relation?.schemaname ?? 'public';
}

function qualified(relation: RangeVar | undefined): string | undefined {
  if (!relation?.relname) return undefined;
  return `${schemaOf(relation)}.${relation.relname}`;
}

/** A dotted name from a `List` of `String` nodes (`[schema,] name`), without its last `dropLast` names. */
function listName(node: any, dropLast = 0): string | undefined {
  const items = ((node?.List?.items ?? []) as any[]).map((i) => i?.String?.sval).filter((s): s is string => typeof s === 'string');
  const names = items.slice(0, items.length - dropLast);
  if (names.length === 1) return `public.${names[0]}`;
  if (names.length === 2) return `${names[0]}.${names[1]}`;
  if (names.length === 3) return `${names[1]}.${names[2]}`;
  return undefined;
}
