import type { ColumnModel, ConstraintModel, Dependent, IndexModel, LintStatement, ObjectKind, SchemaModel, TableModel, ViewModel } from '../types.js';
import { applyStatement } from './apply.js';
import { CowMap } from './cow-map.js';
import { noteUncertainty, type Trace, type Uncertainty, type Where } from './existence.js';
import { qualify, TEMP_SCHEMA } from './names.js';

/** A table of the model. Values inside its maps are never mutated: a change replaces them. */
export interface TableState extends TableModel {
  columns: Map<string, ColumnModel>;
  constraints: Map<string, ConstraintModel>;
  indexes: Set<string>;
  comment: string | undefined;
  rowSecurity: boolean;
  /** The model that may change this object in place; any other model copies it first. */
  owner: number;
  /** The statement that created it (the model's counter, stable across renames) and where. */
  born: { at: number; where: Where | undefined };
  /**
   * The model knows every column it has: false when some came from where the model cannot see (a
   * parent it inherits from or is a partition of, LIKE of an unknown table, a typed table, a
   * SELECT * or an unnamed expression of CREATE TABLE AS, IF NOT EXISTS over a table the history
   * never showed).
   */
  columnsComplete: boolean;
  /** Names it had before renames (bare), oldest first. */
  formerNames?: readonly string[];
}

export interface SequenceState {
  qualified: string;
  /** `schema.table.column` of OWNED BY (serial columns, identity). */
  ownedBy: string | undefined;
}

export interface TypeState {
  qualified: string;
  kind: 'enum' | 'composite' | 'domain' | 'range' | 'base';
  labels?: readonly string[];
  /** Labels added by ALTER TYPE ... ADD VALUE (cannot be dropped again). */
  addedLabels?: readonly string[];
  /** An enum the history created: when and where (its labels' keys start with `at`, see memberKey). */
  born?: { at: number; where: Where | undefined };
  /** Names (bare) an enum had before renames. */
  formerNames?: readonly string[];
}

export interface TriggerState {
  /** `schema.table.trigger`. */
  key: string;
  table: string;
  name: string;
  function: string;
}

export interface PolicyState {
  key: string;
  table: string;
  name: string;
}

export interface GrantState {
  privilege: string;
  /** `table`, `sequence`, `function`, `schema`, `type`, `role`, ... */
  kind: string;
  object: string;
  grantee: string;
}

export function grantKey(g: GrantState): string {
  return g.kind === 'role' ? `${g.object} TO ${g.grantee}` : `${g.privilege} ON ${g.kind} ${g.object} TO ${g.grantee}`;
}

let nextOwner = 1;

/** The collections of a model; shared between clones until one of them writes (copy-on-write). */
const COLLECTIONS = ['tableMap', 'viewMap', 'indexMap', 'sequences', 'types', 'functions', 'triggers', 'policies', 'extensions', 'schemas', 'grantMap', 'comments', 'referencedBy', 'traces'] as const;
type CollectionName = (typeof COLLECTIONS)[number];

/**
 * The in-memory schema lint replays the history into. Cloning is cheap (copy-on-write tables, the
 * other maps hold immutable values), so the engine can keep the model before and after each
 * migration.
 */
export class Schema implements SchemaModel {
  owner = nextOwner++;
  tableMap = new CowMap<TableState>();
  viewMap = new CowMap<ViewModel>();
  indexMap = new CowMap<IndexModel>();
  sequences = new CowMap<SequenceState>();
  types = new CowMap<TypeState>();
  /** Qualified function name -> its signatures (`f(int4,text)`). */
  functions = new CowMap<ReadonlySet<string>>();
  triggers = new CowMap<TriggerState>();
  policies = new CowMap<PolicyState>();
  extensions = new Set<string>();
  schemas = new Set<string>(['public']);
  grantMap = new CowMap<GrantState>();
  comments = new CowMap<string>();
  /**
   * Referenced table -> tables that may hold a foreign key to it (a superset: entries are added, not
   * removed; readers check the constraints). Spares a scan of every table on each drop.
   */
  referencedBy = new CowMap<readonly string[]>();
  searchPath: string[] = ['public'];
  /** What the history last did to each name (see existence.ts), by `namespace:key`. */
  traces = new CowMap<Trace>();
  /** Statements whose effect the model cannot see, newest first (an immutable list: clones share it). */
  uncertainties: Uncertainty | undefined = undefined;
  /** Counts the statements applied: when something happened, for traces and uncertainties. */
  tick = 0;
  /** The migration file and section of the statement being applied. */
  where: Where | undefined = undefined;
  /**
   * The search path as the session had it when the current migration started: `unknown` when an
   * earlier migration set another one (a SET lasts for the session, and a fresh database gets every
   * migration in one session) or set it in a way the model cannot follow.
   */
  pathInherited: 'default' | 'unknown' = 'default';
  /** The current migration ran SET search_path: the model knows the path from there. */
  pathSetHere = false;
  /** The current migration changed the path in a way the model cannot follow (set_config). */
  pathUnknownHere = false;
  /** ALTER ROLE / ALTER DATABASE ... SET search_path: sessions may start with another path. */
  pathDefaultChanged = false;
  /** Some table inherits from or is a partition of another (else a DROP TABLE need not look for them). */
  inheritance = false;
  /** The current migration created a temporary relation: it may outlive the migration (see enter). */
  tempCreated = false;
  /**
   * Names (bare) of temporary relations an earlier migration created and did not drop. A whole run
   * of migrations shares one session, where they still exist; a later run starts without them. An
   * unqualified name among them may mean the temporary relation or a permanent one.
   */
  maybeTemp: ReadonlySet<string> | undefined = undefined;
  /** Collections this model shares with a clone: copied before the first write. */
  private shared = new Set<CollectionName>();
  /**
   * The collections for writing: `s.mut.tableMap.set(...)`. Reads use the fields directly; a write
   * through `mut` first copies a collection this model shares with a clone.
   */
  readonly mut: Pick<Schema, CollectionName>;
  /** The migration whose statements were applied last (the search path resets between migrations). */
  lastMigration: unknown;

  constructor() {
    this.mut = new Writable(this) as unknown as Pick<Schema, CollectionName>;
  }

  /** The collection, copied first when shared with a clone. */
  own<K extends CollectionName>(name: K): this[K] {
    if (this.shared.has(name)) {
      const current = this[name] as unknown;
      (this as any)[name] = current instanceof CowMap ? current.clone() : new Set(current as Set<unknown>);
      this.shared.delete(name);
    }
    return this[name];
  }

  // ---- SchemaModel -----------------------------------------------------------------------

  table(name: string): TableModel | undefined {
    const key = this.resolveName(this.tableMap, name);
    return key === undefined ? undefined : this.tableMap.get(key);
  }

  tables(): Iterable<TableModel> {
    return this.tableMap.values();
  }

  index(name: string): IndexModel | undefined {
    const key = this.resolveName(this.indexMap, name);
    return key === undefined ? undefined : this.indexMap.get(key);
  }

  view(name: string): ViewModel | undefined {
    const key = this.resolveName(this.viewMap, name);
    return key === undefined ? undefined : this.viewMap.get(key);
  }

  objects(kind: ObjectKind): string[] {
    switch (kind) {
      case 'table':
        return [...this.tableMap.keys()];
      case 'view':
      case 'materialized view':
        return [...this.viewMap.values()].filter((v) => v.kind === kind).map((v) => v.qualified);
      case 'index':
        return [...this.indexMap.keys()];
      case 'sequence':
        return [...this.sequences.keys()];
      case 'type':
        return [...this.types.keys()];
      case 'enum':
      case 'domain':
        return [...this.types.values()].filter((t) => t.kind === kind).map((t) => t.qualified);
      case 'function':
        return [...this.functions].flatMap(([key, signatures]) => [...signatures].map((sig) => `${key.slice(0, key.lastIndexOf('.'))}.${sig}`));
      case 'trigger':
        return [...this.triggers.keys()];
      case 'policy':
        return [...this.policies.keys()];
      case 'extension':
        return [...this.extensions];
      case 'schema':
        return [...this.schemas];
    }
  }

  has(kind: ObjectKind, name: string): boolean {
    switch (kind) {
      case 'table':
        return this.table(name) !== undefined;
      case 'view':
      case 'materialized view': {
        const view = this.view(name);
        return view !== undefined && view.kind === kind;
      }
      case 'index':
        return this.index(name) !== undefined;
      case 'sequence':
        return this.resolveName(this.sequences, name) !== undefined;
      case 'type':
        return this.resolveName(this.types, name) !== undefined;
      case 'enum':
      case 'domain': {
        const key = this.resolveName(this.types, name);
        return key !== undefined && this.types.get(key)!.kind === kind;
      }
      case 'function': {
        const paren = name.indexOf('(');
        const key = this.resolveName(this.functions, paren < 0 ? name : name.slice(0, paren));
        if (key === undefined) return false;
        if (paren < 0) return true;
        const signature = `${key.slice(key.lastIndexOf('.') + 1)}${name.slice(paren).replace(/\s+/g, '')}`;
        return this.functions.get(key)!.has(signature);
      }
      case 'trigger':
        return this.findByKeyOrSuffix(this.triggers, name);
      case 'policy':
        return this.findByKeyOrSuffix(this.policies, name);
      case 'extension':
        return this.extensions.has(name);
      case 'schema':
        return this.schemas.has(name);
    }
  }

  enumLabels(name: string): readonly string[] | undefined {
    const key = this.resolveName(this.types, name);
    const type = key === undefined ? undefined : this.types.get(key);
    return type?.kind === 'enum' ? type.labels : undefined;
  }

  grants(): ReadonlySet<string> {
    return new Set(this.grantMap.keys());
  }

  comment(target: string): string | undefined {
    const space = target.indexOf(' ');
    const kind = target.slice(0, space);
    const name = target.slice(space + 1);
    if (kind === 'table') {
      const table = this.table(name);
      if (table) return table.comment;
    } else if (kind === 'column') {
      const dot = name.lastIndexOf('.');
      const table = this.table(name.slice(0, dot));
      if (table) return table.columns.get(name.slice(dot + 1))?.comment;
    }
    return this.comments.get(target);
  }

  dependents(name: string, column?: string): Dependent[] {
    const out: Dependent[] = [];
    const tableKey = this.resolveName(this.tableMap, name);
    const viewKey = tableKey === undefined ? this.resolveName(this.viewMap, name) : undefined;
    const target = tableKey ?? viewKey;
    if (target === undefined) return out;
    if (tableKey !== undefined) {
      const pk = this.primaryKeyColumns(tableKey);
      for (const other of this.tablesReferencing(tableKey)) {
        for (const c of other.constraints.values()) {
          if (c.type !== 'foreign' || c.refTable !== tableKey) continue;
          if (column === undefined) {
            if (other.qualified === tableKey) continue;
          } else {
            const refColumns = c.refColumns && c.refColumns.length > 0 ? c.refColumns : pk;
            if (!refColumns.includes(column)) continue;
          }
          out.push({ kind: 'foreign key', name: `${other.qualified}.${c.name}`, table: other.qualified });
        }
      }
    }
    for (const view of this.viewMap.values()) {
      if (view.qualified === target || !view.relations.includes(target)) continue;
      if (column !== undefined && !view.columns.get(target)?.has(column)) continue;
      out.push({ kind: view.kind, name: view.qualified });
    }
    if (tableKey !== undefined) {
      const table = this.tableMap.get(tableKey)!;
      for (const indexName of table.indexes) {
        const index = this.indexMap.get(indexName);
        if (index && (column === undefined || index.columns.includes(column) || index.reads?.includes(column))) out.push({ kind: 'index', name: index.qualified, table: tableKey });
      }
      for (const trigger of this.triggers.values()) {
        if (trigger.table === tableKey && column === undefined) out.push({ kind: 'trigger', name: trigger.key, table: tableKey });
      }
    }
    return out;
  }

  clone(): Schema {
    const copy = Object.create(Schema.prototype) as Schema;
    Object.assign(copy, { owner: nextOwner++, mut: undefined });
    (copy as { mut: unknown }).mut = new Writable(copy);
    for (const name of COLLECTIONS) (copy as any)[name] = this[name];
    copy.shared = new Set(COLLECTIONS);
    this.shared = new Set(COLLECTIONS);
    copy.searchPath = [...this.searchPath];
    copy.lastMigration = this.lastMigration;
    copy.uncertainties = this.uncertainties;
    copy.tick = this.tick;
    copy.where = this.where;
    copy.pathInherited = this.pathInherited;
    copy.pathSetHere = this.pathSetHere;
    copy.pathUnknownHere = this.pathUnknownHere;
    copy.pathDefaultChanged = this.pathDefaultChanged;
    copy.inheritance = this.inheritance;
    copy.tempCreated = this.tempCreated;
    copy.maybeTemp = this.maybeTemp;
    // Both models now share the tables too: each copies a table before its first change.
    this.owner = nextOwner++;
    return copy;
  }

  apply(statement: LintStatement): void {
    this.enter(statement.migration);
    this.tick++;
    if (this.where?.section !== statement.section || this.lastWhere !== statement.migration) {
      this.lastWhere = statement.migration;
      this.where = { revision: statement.migration?.file?.revision, file: statement.migration?.relPath, section: statement.section };
    }
    applyStatement(this, statement.kind, statement.ast, statement.migration?.file.revision, statement.text);
  }

  /**
   * A section whose statements the model cannot see (it does not parse, or a script failed while
   * building its SQL): it may have created or dropped anything.
   */
  applyUnseen(migration: LintStatement['migration'], section: 'up' | 'down'): void {
    this.enter(migration);
    this.tick++;
    this.lastWhere = migration;
    this.where = { revision: migration?.file?.revision, file: migration?.relPath, section };
    noteUncertainty(this, { appear: true, disappear: true });
    this.pathUnknownHere = true;
  }

  /**
   * Whether an unqualified name means `public.<name>` for sure: the search path is public's, and
   * known to be (no earlier migration left another in the session, none set it by set_config).
   */
  defaultPathCertain(): boolean {
    if (this.pathUnknownHere || this.searchPath.length !== 1 || this.searchPath[0] !== 'public') return false;
    return this.pathSetHere || (this.pathInherited === 'default' && !this.pathDefaultChanged);
  }

  private lastWhere: unknown;

  /**
   * Starts a migration's statements (a no-op within it): the session carries over what it may from
   * the one before (the search path, temporary relations). The engine calls it before the rules see
   * the migration's first statement.
   */
  enter(migration: unknown): void {
    if (migration === this.lastMigration) return;
    if (this.lastMigration !== undefined) {
      if (this.pathUnknownHere) this.pathInherited = 'unknown';
      else if (this.pathSetHere) this.pathInherited = this.searchPath.length === 1 && this.searchPath[0] === 'public' ? 'default' : 'unknown';
    }
    this.lastMigration = migration;
    this.searchPath = ['public'];
    this.pathSetHere = false;
    this.pathUnknownHere = false;
    if (this.tempCreated) this.forgetTemporary(true);
  }

  /**
   * Takes the temporary relations out of the model, with their indexes, triggers and policies.
   * `mayRemain`: after the migration that created them, which a later migration sees them or not
   * as it runs in the same session or not; their names become ambiguous (maybeTemp). Else
   * (DISCARD) they are certainly gone.
   */
  forgetTemporary(mayRemain: boolean): void {
    const prefix = `${TEMP_SCHEMA}.`;
    const names = new Set(mayRemain ? this.maybeTemp : undefined);
    for (const name of ['tableMap', 'viewMap', 'indexMap', 'sequences'] as const) {
      const keys = [...this[name].keys()].filter((key) => key.startsWith(prefix));
      for (const key of keys) {
        (this.mut[name] as Map<string, unknown>).delete(key);
        if (mayRemain) names.add(key.slice(prefix.length));
      }
    }
    for (const [key, t] of this.triggers) if (t.table.startsWith(prefix)) this.mut.triggers.delete(key);
    for (const [key, p] of this.policies) if (p.table.startsWith(prefix)) this.mut.policies.delete(key);
    this.maybeTemp = names.size > 0 ? names : undefined;
    this.tempCreated = false;
  }

  // ---- Helpers for the apply functions ---------------------------------------------------

  /**
   * The key of `name` in a map keyed by `schema.name`: qualified names as written, unqualified ones
   * in the session's temporary schema (`pg_temp`, where temporary relations are kept: Postgres looks
   * there first), then along the search path, then (as Postgres would with a wider search path) a
   * unique match in any schema.
   */
  resolveName(map: ReadonlyMap<string, unknown>, name: string, schema?: string): string | undefined {
    if (schema !== undefined) {
      const key = qualify(schema, name);
      return map.has(key) ? key : undefined;
    }
    if (map.has(name)) return name;
    const temporary = qualify(TEMP_SCHEMA, name);
    if (map.has(temporary)) return temporary;
    for (const s of this.searchPath) {
      const key = qualify(s, name);
      if (map.has(key)) return key;
    }
    if (!name.includes('.')) {
      const suffix = `.${name}`;
      let found: string | undefined;
      for (const key of map.keys()) {
        if (key.endsWith(suffix) && key.indexOf('.') === key.length - suffix.length) {
          if (found !== undefined) return undefined;
          found = key;
        }
      }
      return found;
    }
    return undefined;
  }

  /** The key a new object named `name` gets: its schema as written, else the search path's first. */
  newName(name: string, schema: string | undefined): string {
    return qualify(schema ?? this.searchPath[0] ?? 'public', name);
  }

  /** The table, copied first when another model shares it. */
  mutableTable(key: string): TableState | undefined {
    const table = this.tableMap.get(key);
    if (!table) return undefined;
    if (table.owner === this.owner) return table;
    const copy: TableState = {
      ...table,
      columns: new Map(table.columns),
      constraints: new Map(table.constraints),
      indexes: new Set(table.indexes),
      owner: this.owner,
    };
    this.mut.tableMap.set(key, copy);
    return copy;
  }

  addTable(key: string, createdIn: string | undefined): TableState {
    const dot = key.lastIndexOf('.');
    const table: TableState = {
      born: { at: this.tick, where: this.where },
      columnsComplete: true,
      schema: key.slice(0, dot),
      name: key.slice(dot + 1),
      qualified: key,
      columns: new Map(),
      constraints: new Map(),
      indexes: new Set(),
      createdIn,
      comment: undefined,
      rowSecurity: false,
      owner: this.owner,
    };
    this.mut.tableMap.set(key, table);
    return table;
  }

  /** Notes that `table` holds (or may hold) a foreign key to `refTable`. */
  noteReference(table: string, refTable: string): void {
    const current = this.referencedBy.get(refTable);
    if (current?.includes(table)) return;
    this.mut.referencedBy.set(refTable, current ? [...current, table] : [table]);
  }

  /** The tables that may hold a foreign key to `refTable` (check their constraints). */
  tablesReferencing(refTable: string): TableState[] {
    const out: TableState[] = [];
    for (const name of this.referencedBy.get(refTable) ?? []) {
      const table = this.tableMap.get(name);
      if (table) out.push(table);
    }
    return out;
  }

  primaryKeyColumns(tableKey: string): string[] {
    const table = this.tableMap.get(tableKey);
    if (!table) return [];
    for (const c of table.constraints.values()) if (c.type === 'primary') return c.columns;
    return [];
  }

  private findByKeyOrSuffix(map: ReadonlyMap<string, { name: string; table: string }>, name: string): boolean {
    if (map.has(name)) return true;
    for (const [key, value] of map) {
      if (value.name === name || key.endsWith(`.${name}`)) return true;
    }
    return false;
  }
}

/** `schema.mut`: each collection's getter copies it first when the model shares it. */
class Writable {
  constructor(readonly schema: Schema) {}
}
for (const name of COLLECTIONS) {
  Object.defineProperty(Writable.prototype, name, {
    get(this: Writable) {
      return this.schema.own(name);
    },
  });
}

/** An empty model: the schema before the first migration (only `public` exists). */
export function emptySchema(): Schema {
  return new Schema();
}
