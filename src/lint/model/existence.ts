/**
 * What the history did to each name, so that a rule can tell an object that certainly exists (or
 * certainly does not) from one the model merely has no record of: who created, dropped or renamed
 * it, and when (the model's statement counter); and the statements whose effect the model cannot
 * see (a DO block, a function called at migration time, CREATE EXTENSION), which make what it says
 * about the names they may touch uncertain from then on.
 */
import type { Schema } from './schema.js';

/**
 * The namespaces Postgres keeps names in: relations (pg_class), types (pg_type), schemas,
 * extensions, routines (`fn`: by name and input argument types); and per table its columns,
 * constraints (`con`), triggers (`trg`) and policies (`pol`), per enum its labels.
 */
export type Namespace = 'rel' | 'type' | 'schema' | 'col' | 'con' | 'trg' | 'pol' | 'label' | 'ext' | 'fn';

export type TracedKind =
  | 'table'
  | 'view'
  | 'materialized view'
  | 'index'
  | 'sequence'
  | 'type'
  | 'enum'
  | 'domain'
  | 'range'
  | 'schema'
  | 'column'
  | 'constraint'
  | 'trigger'
  | 'policy'
  | 'label'
  | 'extension'
  | 'function'
  | 'procedure';

/** The namespaces whose keys are a member's: its table's (or enum's) birth, then its name (see memberKey). */
const MEMBER_NAMESPACES: ReadonlySet<Namespace> = new Set(['col', 'con', 'trg', 'pol', 'label']);

/** Where a statement sits: its migration file and section. */
export interface Where {
  revision: string | undefined;
  file: string | undefined;
  section: 'up' | 'down';
}

/** The last thing the history did to a name. */
export interface Trace {
  /** Whether the name exists after it. */
  present: boolean;
  kind: TracedKind;
  /** The model's statement counter when it happened. */
  at: number;
  where: Where | undefined;
  /**
   * created; dropped; renamed (to or from `other`); moved (SET SCHEMA, to or from `other`);
   * cascade (dropped with `other`).
   */
  how: 'created' | 'dropped' | 'renamed' | 'moved' | 'cascade';
  other?: string;
  /**
   * The model cannot vouch for it: a temporary object (it may shadow another of the same name), a
   * name Postgres generated (the model's guess may differ), an IF NOT EXISTS or IF EXISTS over an
   * object the model did not know, a rename of one it did not know.
   */
  unsure?: true;
  temp?: true;
}

/** A statement whose effect on the schema the model cannot see. */
export interface Uncertainty {
  at: number;
  /** It may create objects. */
  appear: boolean;
  /** It may drop objects. */
  disappear: boolean;
  /** The only names (bare, lower-cased) it can touch; undefined when it may touch any. */
  words?: ReadonlySet<string>;
  /**
   * A DO block that may touch any name (dynamic SQL, a call): the words of its body. A function
   * it creates is one whose name it spells out, unless it builds the name from pieces.
   */
  mentions?: ReadonlySet<string>;
  /** It touches only names Postgres generates for `schema`'s objects starting with `prefix`. */
  generated?: { schema: string; prefix: string };
  next: Uncertainty | undefined;
}

export function traceKey(ns: Namespace, key: string): string {
  return `${ns}:${key}`;
}

/**
 * A member's key in its namespace (a column, constraint, trigger or policy of a table, a label of an
 * enum): the birth of what it belongs to (stable across renames and SET SCHEMA) and its name.
 */
export function memberKey(bornAt: number, name: string): string {
  return `${bornAt}.${name}`;
}

/** A column's key in the `col` namespace. */
export const columnKey = memberKey;

/** Records that `key` now exists. */
export function noteCreated(s: Schema, ns: Namespace, key: string, kind: TracedKind, extra: { how?: Trace['how']; other?: string; unsure?: boolean; temp?: boolean } = {}): void {
  const full = traceKey(ns, key);
  const before = s.traces.get(full);
  // A CREATE of what certainly exists fails (create-existing-object says so): the first one stands.
  if (before?.present && !before.unsure && !extra.unsure && !extra.temp && (extra.how ?? 'created') === 'created') return;
  const trace: Trace = { present: true, kind, at: s.tick, where: s.where, how: extra.how ?? 'created' };
  if (extra.other !== undefined) trace.other = extra.other;
  if (extra.unsure || extra.temp) trace.unsure = true;
  if (extra.temp) trace.temp = true;
  s.mut.traces.set(full, trace);
}

/**
 * Records that `key` no longer exists. `cascaded`: it went with another object (a dropped table's
 * index, a moved table's sequence), not by a statement that named it.
 */
export function noteDropped(s: Schema, ns: Namespace, key: string, kind: TracedKind, extra: { how?: Trace['how']; other?: string; unsure?: boolean; cascaded?: boolean } = {}): void {
  const full = traceKey(ns, key);
  const before = s.traces.get(full);
  const trace: Trace = { present: false, kind: before?.present ? before.kind : kind, at: s.tick, where: s.where, how: extra.how ?? 'dropped' };
  if (extra.other !== undefined) trace.other = extra.other;
  // A temporary object may have hidden a permanent one of the same name: after its drop, that one
  // is still there. A name the model guessed and no statement confirmed may not have been the name.
  const cascaded = extra.cascaded === true || extra.how === 'cascade';
  if (extra.unsure || before?.temp || (cascaded && before?.present && before.unsure)) trace.unsure = true;
  s.mut.traces.set(full, trace);
}

/** Records that the model no longer knows whether `key` exists. */
export function noteUnknown(s: Schema, ns: Namespace, key: string, kind: TracedKind, present: boolean): void {
  s.mut.traces.set(traceKey(ns, key), { present, kind, at: s.tick, where: s.where, how: 'created', unsure: true });
}

/**
 * A rename or SET SCHEMA of an object the model knows: the old name is gone, the new one exists.
 * `cascaded`: it moved with another object (a table's indexes with the table).
 */
export function noteMoved(s: Schema, ns: Namespace, from: string, to: string, kind: TracedKind, how: 'renamed' | 'moved', cascaded = false): void {
  const before = s.traces.get(traceKey(ns, from));
  // A member's key starts with its table's birth: messages name the member alone.
  const shown = (key: string) => (MEMBER_NAMESPACES.has(ns) ? key.slice(key.indexOf('.') + 1) : key);
  noteDropped(s, ns, from, kind, { how, other: shown(to), cascaded });
  noteCreated(s, ns, to, before?.present ? before.kind : kind, { how, other: shown(from), unsure: before?.unsure === true, temp: before?.temp === true });
}

/** Records a statement whose effect the model cannot see. */
export function noteUncertainty(s: Schema, u: Omit<Uncertainty, 'at' | 'next'>): void {
  const node: Uncertainty = { at: s.tick, appear: u.appear, disappear: u.disappear, next: s.uncertainties };
  if (u.words) node.words = u.words;
  if (u.mentions) node.mentions = u.mentions;
  if (u.generated) node.generated = u.generated;
  s.uncertainties = node;
}

/** Names Postgres generates for a table's indexes and sequences start with this (makeObjectName keeps at least 27 characters of it). */
export function generatedPrefix(table: string): string {
  return table.length <= 27 ? `${table}_` : table.slice(0, 27);
}

/** Postgres generates names for objects of `table` (in `schema`): the model's guess at them may be wrong. */
export function noteGeneratedNames(s: Schema, tableKey: string): void {
  const dot = tableKey.lastIndexOf('.');
  noteUncertainty(s, { appear: true, disappear: false, generated: { schema: tableKey.slice(0, dot), prefix: generatedPrefix(tableKey.slice(dot + 1)) } });
}

/**
 * The first statement since counter `since` whose unseen effect may have made a name appear or
 * disappear: a name of `names` (bare) in `schema`, or, for a relation, one Postgres generates.
 */
export function uncertaintySince(s: Schema, since: number, direction: 'appear' | 'disappear', target: { ns: Namespace; schema: string; names: readonly string[] }): Uncertainty | undefined {
  for (let u = s.uncertainties; u !== undefined && u.at >= since; u = u.next) {
    if (!u[direction]) continue;
    if (u.generated) {
      if (target.ns === 'rel' && u.generated.schema === target.schema && target.names.some((n) => n.startsWith(u.generated!.prefix))) return u;
      continue;
    }
    if (!u.words) return u;
    if (target.names.some((n) => u.words!.has(n.toLowerCase()))) return u;
    // What it creates for a table it names may get a name Postgres generates (an unnamed index, a serial column's sequence).
    if (direction === 'appear' && target.ns === 'rel' && target.names.some((n) => generatedForWord(n.toLowerCase(), u.words!))) return u;
  }
  return undefined;
}

/** Whether `name` may be one Postgres generates for a table called one of `words` (see generatedPrefix). */
function generatedForWord(name: string, words: ReadonlySet<string>): boolean {
  for (let i = name.indexOf('_'); i > 0; i = name.indexOf('_', i + 1)) if (words.has(name.slice(0, i))) return true;
  if (name.length < 27) return false;
  const prefix = name.slice(0, 27);
  for (const word of words) if (word.length > 27 && word.startsWith(prefix)) return true;
  return false;
}

type UncertaintyJson = Omit<Uncertainty, 'next' | 'words' | 'mentions'> & { words?: string[]; mentions?: string[] };

/** Uncertainties as a list (newest first), for snapshots. */
export function uncertaintyList(s: Schema): UncertaintyJson[] {
  const out: UncertaintyJson[] = [];
  for (let u = s.uncertainties; u !== undefined; u = u.next) {
    const { next: _next, words, mentions, ...rest } = u;
    out.push({ ...rest, ...(words ? { words: [...words] } : {}), ...(mentions ? { mentions: [...mentions] } : {}) });
  }
  return out;
}

export function uncertaintiesFrom(list: readonly UncertaintyJson[]): Uncertainty | undefined {
  let head: Uncertainty | undefined;
  for (let i = list.length - 1; i >= 0; i--) {
    const { words, mentions, ...rest } = list[i]!;
    head = { ...rest, ...(words ? { words: new Set(words) } : {}), ...(mentions ? { mentions: new Set(mentions) } : {}), next: head };
  }
  return head;
}

function splitKey(key: string): { schema: string; name: string } {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? { schema: '', name: key } : { schema: key.slice(0, dot), name: key.slice(dot + 1) };
}

/**
 * The trace of an object the model knows exists for certain: created by a statement it followed,
 * not a temporary or generated name, and nothing it cannot see may have dropped it since.
 */
export function certainlyPresent(s: Schema, ns: Namespace, key: string, alsoNames: readonly string[] = []): Trace | undefined {
  const trace = s.traces.get(traceKey(ns, key));
  if (!trace || !trace.present || trace.unsure) return undefined;
  const { schema, name } = splitKey(key);
  return uncertaintySince(s, trace.at, 'disappear', { ns, schema, names: [name, ...alsoNames] }) ? undefined : trace;
}

/**
 * The trace of an object the model knows does not exist for certain: dropped or renamed away by a
 * statement it followed, and nothing it cannot see may have created it since.
 */
export function certainlyAbsent(s: Schema, ns: Namespace, key: string, alsoNames: readonly string[] = []): Trace | undefined {
  const trace = s.traces.get(traceKey(ns, key));
  if (!trace || trace.present || trace.unsure) return undefined;
  const { schema, name } = splitKey(key);
  return uncertaintySince(s, trace.at, 'appear', { ns, schema, names: [name, ...alsoNames] }) ? undefined : trace;
}

/** An unqualified name the model places by a search path it is not sure of: where it lands is a guess. */
export function placedByGuess(s: Schema, schemaWritten: string | undefined): boolean {
  return schemaWritten === undefined && !s.defaultPathCertain();
}
