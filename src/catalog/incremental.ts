import type pg from 'pg';
import type { DatabaseHandle } from '../providers/types.js';
import { cancelOnAbort } from '../runner/interrupt.js';
import { connect } from '../runner/session.js';
import { CHANGE_LOG_SCHEMA, installChangeLog, readChanges, type ChangeSet } from './change-log.js';
import { deltaCallSql, installDelta, parseDelta, readDelta, RELATION_PARTS, type Delta, type RelationPart } from './delta.js';
import { diffSnapshots } from './diff.js';
import { renderDiff } from './render-diff.js';
import { RowCache } from './row-cache.js';
import { assemble, readCatalog, scopeOf, serverVersionOf, type OidFilter, type AssembledCatalog, type ColumnLookup, type ObjectRef, type SnapshotOptions, type SnapshotSession } from './snapshot.js';
import { catalogSettingsSql } from './session.js';
import { compareText } from './sort.js';
import type { CatalogSnapshot, NamedRelation, SnapshotSection } from './types.js';

/** How a snapshot session reads: the whole catalog each time, or only what changed (and, for tests, both, compared). */
export type SnapshotMode = 'full' | 'incremental' | 'checked';

/** Statistics of a session, to show the incremental reads do their job. */
export interface SnapshotStats {
  full: number;
  incremental: number;
  unchanged: number;
  /** Snapshots whose changes came with the step's own message (a {@link SnapshotTail}). */
  viaTail: number;
  /** Parts of changed relations (their columns, indexes, ...) taken from the cache, not read again: none of their rows changed. */
  partsKept: number;
  /** Incremental snapshots whose changed objects were read again with every part (the delta could not serve them). */
  readWhole: number;
  /**
   * Full reads forced by a change of the server's roles (created, dropped or renamed by anyone: roles
   * are global, so another database's session can cause these).
   */
  fullForRoles: number;
}

/** A statement to append to the message of a step, so that the next snapshot needs no round trip of its own. */
export interface SnapshotTail {
  sql: string;
  /** The point of the change log it reads from. */
  since: number;
}

/** The value a {@link SnapshotTail} returned. */
export interface TailValue {
  since: number;
  value: unknown;
}

/** A snapshot session that knows whether it reads incrementally. */
export interface ChangeTrackingSession extends SnapshotSession {
  readonly mode: SnapshotMode;
  /**
   * The statement that reads the next snapshot's changes, for the end of the message that makes
   * them (after its COMMIT), or undefined when snapshots are not read that way. Its value goes to
   * {@link snapshot}.
   */
  tail(): SnapshotTail | undefined;
  /**
   * A snapshot of the database now; `pre` is the value of the last {@link tail}, when it ran.
   * `whole`: read the whole catalog, for a step the change log cannot see (REASSIGN OWNED).
   */
  snapshot(pre?: TailValue, options?: { whole?: boolean }): Promise<CatalogSnapshot>;
  readonly stats: SnapshotStats;
  /** Reads the whole catalog and tells whether it equals the last snapshot given (a safety net for incremental reads). */
  matchesFullRead(): Promise<boolean>;
  /** Tables, views, materialized views, sequences and indexes of the last snapshot, with their oids (undefined with full reads). */
  relations(): NamedRelation[] | undefined;
}

/**
 * A snapshot session for a throwaway database that only pgwarden changes: with the change log
 * installed (event triggers; needs a superuser), each snapshot re-reads only the objects that DDL
 * touched since the previous one and patches them into it, a few milliseconds however large the
 * schema. Whatever it cannot follow precisely (renames, which change how other objects print;
 * GRANT and REVOKE, which log no object; extensions; role renames) makes it read the whole catalog
 * again. Falls back to full reads when the change log cannot be installed.
 *
 * `checked` mode also takes a full snapshot each time and throws when the two differ: tests run
 * in it, so that every history they verify proves the incremental reads right. When `signal`
 * aborts, the session ends, on the server too (for a throwaway database about to be dropped).
 */
export async function openChangeTrackingSession(db: DatabaseHandle, options: SnapshotOptions = {}, mode: SnapshotMode = 'incremental', signal?: AbortSignal): Promise<ChangeTrackingSession> {
  const client = await connect(db, { applicationName: 'pgwarden snapshot' });
  const stop = cancelOnAbort(client, db, signal, { terminate: true });
  client.once('end', () => stop.dispose());
  try {
    const installed = mode !== 'full' && (await installChangeLog(client));
    if (installed) await installDelta(client, await serverVersionOf(client));
    await client.query(catalogSettingsSql(false));
    const scope = scopeOf({ ...options, excludeSchemas: [...(scopeOf(options).excludeSchemas ?? []), CHANGE_LOG_SCHEMA] });
    return new Tracker(client, scope, installed ? mode : 'full');
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

class Tracker implements ChangeTrackingSession {
  readonly stats: SnapshotStats = { full: 0, incremental: 0, unchanged: 0, viaTail: 0, partsKept: 0, readWhole: 0, fullForRoles: 0 };
  private state: AssembledCatalog | undefined;
  private last = 0;
  private lastXid = '';
  private cache: RowCache | undefined;
  private roles = '';
  private database = '';

  constructor(
    private readonly client: pg.Client,
    private readonly scope: ReturnType<typeof scopeOf>,
    readonly mode: SnapshotMode,
  ) {}

  tail(): SnapshotTail | undefined {
    if (this.mode === 'full' || !this.state) return undefined;
    return { sql: deltaCallSql(this.last, this.lastXid, this.scope), since: this.last };
  }

  async snapshot(pre?: TailValue, options: { whole?: boolean } = {}): Promise<CatalogSnapshot> {
    const result = options.whole && this.mode !== 'full' ? await this.readFull() : await this.next(pre);
    if (this.mode === 'checked') {
      const full = (await readCatalog(this.client, this.scope)).snapshot;
      const diff = diffSnapshots(full, result);
      if (diff.length > 0 || JSON.stringify(full) !== JSON.stringify(result)) {
        throw new Error(`incremental snapshot differs from a full one:\n${renderDiff(diff, { wording: 'neutral' }).join('\n') || '(same content, other order)'}`);
      }
    }
    return result;
  }

  close(): Promise<void> {
    return this.client.end().catch(() => {});
  }

  relations(): NamedRelation[] | undefined {
    if (this.mode === 'full' || !this.state) return undefined;
    const { snapshot, objects, tableParts } = this.state;
    const list: NamedRelation[] = [];
    for (const [oid, ref] of objects) {
      if (ref.section === 'tables') list.push({ oid, name: ref.key, kind: 'table' });
      else if (ref.section === 'views') list.push({ oid, name: ref.key, kind: snapshot.views[ref.key]?.materialized ? 'materialized view' : 'view' });
      else if (ref.section === 'sequences') list.push({ oid, name: ref.key, kind: 'sequence' });
    }
    for (const [oid, part] of tableParts) {
      const table = objects.get(part.table)?.key;
      if (table === undefined) continue;
      list.push(part.kind === 'index' ? { oid, name: part.name, kind: 'index', table } : { oid, name: part.name, kind: 'sequence' });
    }
    return list;
  }

  async matchesFullRead(): Promise<boolean> {
    if (!this.state) return true;
    const full = (await readCatalog(this.client, this.scope)).snapshot;
    return JSON.stringify(full) === JSON.stringify(this.state.snapshot);
  }

  private async next(pre?: TailValue): Promise<CatalogSnapshot> {
    if (this.mode === 'full') return this.readFull();
    if (!this.state) return this.readFull(await readChanges(this.client, this.last));
    const lookup: ColumnLookup = (rel, attnum) => this.state?.columns.get(rel)?.get(attnum);
    // One call of the delta function: the log and the kinds of rows it names, each read by a
    // small statement of its own (setting up one statement that reads every kind costs more).
    // Its value may already be here, read at the end of the step's own message.
    let delta: Delta | undefined = pre && pre.since === this.last ? parseDelta(pre.value) : undefined;
    if (delta) this.stats.viaTail++;
    else delta = await readDelta(this.client, this.last, this.lastXid, this.scope);
    const changes = delta?.changes ?? (await readChanges(this.client, this.last));
    if (changes.roles !== this.roles || changes.database !== this.database || !this.cache) {
      if (changes.roles !== this.roles && changes.database === this.database && this.cache) this.stats.fullForRoles++;
      return this.readFull(changes);
    }
    this.last = changes.last;
    this.lastXid = changes.nextXid;
    if (changes.changes.length === 0) {
      this.stats.unchanged++;
      return this.state.snapshot;
    }
    const dirty = this.dirtyObjects(changes, this.state);
    if (!dirty) return this.readFull(changes);
    const cache = this.cache;
    // Whole objects dropped (a dropped column names its table, with its number: not those).
    cache.forget(changes.changes.filter((c) => c.dropped && c.objid !== null && !c.objsubid).map((c) => c.objid!));
    // The delta read what the log resolves to, and of a changed relation only the parts whose rows
    // changed: the rest comes from the cache. Objects found only through the previous state (a
    // partition detached from a table that changed), and relations new to the cache that were not
    // created since (moved into the scope), are read again here, with everything.
    let partial: AssembledCatalog;
    let read: PartsRead;
    if (delta?.rows && covers(changes, dirty) && this.completes(delta)) {
      cache.update(delta.rows, { ...changes, parts: delta.parts });
      for (const part of RELATION_PARTS) this.stats.partsKept += changes.relations.length - new Set(delta.parts[part]).size;
      partial = await assemble(this.client, cache.rowsFor(dirty, delta.rows), lookup);
      read = { database: false, extensions: false, schemas: delta.read.schemas, defaults: delta.read.defaults };
    } else {
      this.stats.readWhole++;
      const { rows, ...full } = await readCatalog(this.client, this.scope, dirty, lookup);
      const everything = Object.fromEntries(RELATION_PARTS.map((p) => [p, dirty.relations])) as Record<RelationPart, number[]>;
      cache.update(rows, { ...dirty, parts: everything });
      partial = full;
      read = ALL_PARTS;
    }
    const patched = this.patch(this.state, partial, dirty, read);
    if (!patched) return this.readFull(changes);
    this.state = patched;
    this.stats.incremental++;
    return patched.snapshot;
  }

  /**
   * Whether the delta's rows and the cache make every relation it read whole: a relation the cache
   * does not know yet must have been created since the last read, so that all of its rows are new
   * and the delta read every part that has any.
   */
  private completes(delta: Delta): boolean {
    if (!delta.rows) return false;
    const created = new Set(delta.changes.changes.filter((c) => !c.dropped && c.tag?.startsWith('CREATE ') && c.objid !== null).map((c) => Number(c.objid)));
    return delta.rows.relations.every((r) => this.cache!.hasRelation(r.oid) || created.has(Number(r.oid)));
  }

  private async readFull(changes?: ChangeSet): Promise<CatalogSnapshot> {
    const current = changes ?? (this.mode === 'full' ? undefined : await readChanges(this.client, this.last));
    const { rows, ...full } = await readCatalog(this.client, this.scope);
    this.state = full;
    this.cache = new RowCache(rows);
    if (current) {
      this.last = current.last;
      this.lastXid = current.nextXid;
      this.roles = current.roles;
      this.database = current.database;
    }
    this.stats.full++;
    return this.state.snapshot;
  }

  /**
   * The objects to read again, from the changes: the ones still there come resolved by the log
   * query; dropped ones are found in the previous state by oid or by the names of their table.
   * Undefined when only a full read is right (GRANT/REVOKE, extensions).
   */
  private dirtyObjects(changes: ChangeSet, state: AssembledCatalog): OidFilter | undefined {
    const relations = new Set(changes.relations);
    const sequences = new Set(changes.sequences);
    const functions = new Set(changes.functions);
    const types = new Set(changes.types);
    const byKey = new Map<string, { oid: number; ref: ObjectRef }>();
    for (const [oid, ref] of state.objects) byKey.set(`${ref.section}:${ref.key}`, { oid, ref });
    const add = (oid: number, ref: ObjectRef) => (ref.kind === 'relation' ? relations : ref.kind === 'sequence' ? sequences : ref.kind === 'function' ? functions : types).add(oid);
    for (const change of changes.changes) {
      if (change.tag === 'GRANT' || change.tag === 'REVOKE' || change.catalog === 'pg_extension') return undefined;
      if (!change.dropped || change.objid === null) continue;
      const known = state.objects.get(change.objid);
      switch (change.catalog) {
        case 'pg_class':
          if (known) add(change.objid, known);
          else if (state.tableParts.has(change.objid)) relations.add(state.tableParts.get(change.objid)!.table);
          break;
        case 'pg_type':
        case 'pg_proc':
          if (known) add(change.objid, known);
          break;
        case 'pg_constraint':
        case 'pg_trigger':
        case 'pg_policy':
        case 'pg_attrdef':
        case 'pg_rewrite': {
          // Gone with its row: its table (or domain) is named in its address.
          const [schema, parent] = change.names ?? [];
          const owner = byKey.get(`tables:${schema}.${parent}`) ?? byKey.get(`views:${schema}.${parent}`) ?? byKey.get(`domains:${schema}.${parent}`);
          if (owner) add(owner.oid, owner.ref);
          break;
        }
        default:
          break;
      }
    }
    // A table whose partitions or children were detached: they print their parent, read them again too.
    const dirtyKeys = new Set([...relations].map((oid) => state.objects.get(oid)?.key).filter((k): k is string => k !== undefined));
    if (dirtyKeys.size > 0) {
      for (const [oid, ref] of state.objects) {
        if (ref.section !== 'tables') continue;
        const table = state.snapshot.tables[ref.key];
        if (table && ((table.partitionOf && dirtyKeys.has(table.partitionOf.parent)) || table.inherits.some((p) => dirtyKeys.has(p)))) relations.add(oid);
      }
    }
    return { relations: [...relations], sequences: [...sequences], functions: [...functions], types: [...types] };
  }

  /**
   * The previous state with the dirty objects replaced by their new reading. Undefined when a
   * change may have altered how other objects print (a rename of a table, column, type, function,
   * sequence, schema or enum label): then only a full read is right.
   */
  private patch(state: AssembledCatalog, partial: AssembledCatalog, dirty: OidFilter, read: PartsRead): AssembledCatalog | undefined {
    for (const [oid, ref] of partial.objects) {
      const before = state.objects.get(oid);
      if (before && (before.key !== ref.key || before.section !== ref.section)) return undefined;
    }
    if (read.schemas) for (const [oid, name] of partial.namespaces) if (state.namespaces.has(oid) && state.namespaces.get(oid) !== name) return undefined;
    for (const [rel, names] of partial.columns) {
      const before = state.columns.get(rel);
      if (before) for (const [attnum, name] of names) if (before.has(attnum) && before.get(attnum) !== name) return undefined;
    }
    for (const [oid, labels] of partial.enumLabels) {
      const before = state.enumLabels.get(oid);
      if (before && before.some((label) => !labels.includes(label))) return undefined;
    }

    const snapshot: CatalogSnapshot = {
      ...state.snapshot,
      database: read.database ? partial.snapshot.database : state.snapshot.database,
      extensions: read.extensions ? partial.snapshot.extensions : state.snapshot.extensions,
      schemas: read.schemas ? partial.snapshot.schemas : state.snapshot.schemas,
      defaultPrivileges: read.defaults ? partial.snapshot.defaultPrivileges : state.snapshot.defaultPrivileges,
    };
    const objects = new Map(state.objects);
    const columns = new Map(state.columns);
    const tableParts = new Map(state.tableParts);
    const enumLabels = new Map(state.enumLabels);
    const touched = new Set<SnapshotSection>();
    const sections = snapshot as unknown as Record<SnapshotSection, Record<string, unknown>>;
    const copyOf = (section: SnapshotSection) => {
      if (!touched.has(section)) {
        sections[section] = { ...sections[section] };
        touched.add(section);
      }
      return sections[section];
    };
    for (const oid of [...dirty.relations, ...dirty.sequences, ...dirty.functions, ...dirty.types]) {
      const ref = objects.get(oid);
      if (ref) {
        delete copyOf(ref.section)[ref.key];
        objects.delete(oid);
      }
      enumLabels.delete(oid);
    }
    for (const rel of dirty.relations) columns.delete(rel);
    for (const [part, { table }] of state.tableParts) if (dirty.relations.includes(table)) tableParts.delete(part);
    const partialSections = partial.snapshot as unknown as Record<SnapshotSection, Record<string, unknown>>;
    for (const [oid, ref] of partial.objects) {
      copyOf(ref.section)[ref.key] = partialSections[ref.section][ref.key];
      objects.set(oid, ref);
    }
    for (const [rel, names] of partial.columns) columns.set(rel, names);
    for (const [part, value] of partial.tableParts) tableParts.set(part, value);
    for (const [oid, labels] of partial.enumLabels) enumLabels.set(oid, labels);
    // Keep each section in key order, as a full read builds it.
    for (const section of touched) {
      const entries = Object.entries(sections[section]).sort((a, b) => compareText(a[0], b[0]));
      sections[section] = Object.fromEntries(entries);
    }
    return { snapshot, objects, columns, tableParts, namespaces: read.schemas ? partial.namespaces : state.namespaces, enumLabels };
  }
}

/** Which of the kinds of objects read whole (not by oid) a partial read has. */
interface PartsRead {
  database: boolean;
  extensions: boolean;
  schemas: boolean;
  defaults: boolean;
}

const ALL_PARTS: PartsRead = { database: true, extensions: true, schemas: true, defaults: true };

/** Whether the objects a change set resolves to (read by the delta) are all the dirty ones that still exist. */
function covers(changes: ChangeSet, dirty: OidFilter): boolean {
  const dropped = new Set<number>();
  for (const change of changes.changes) if (change.dropped && change.objid !== null) dropped.add(change.objid);
  const within = (wanted: number[], read: number[]) => {
    const got = new Set(read);
    return wanted.every((oid) => got.has(oid) || dropped.has(oid));
  };
  return within(dirty.relations, changes.relations) && within(dirty.sequences, changes.sequences) && within(dirty.functions, changes.functions) && within(dirty.types, changes.types);
}
