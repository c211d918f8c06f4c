import { compareText } from './sort.js';
import type { CatalogSnapshot, DefaultPrivilegeSnapshot, Privilege, SnapshotSection } from './types.js';

/** What a difference is about: drift reports these three classes separately. */
export type DiffClass = 'structure' | 'security' | 'documentation';

export type DiffObjectType =
  | 'database'
  | 'extension'
  | 'schema'
  | 'table'
  | 'partitioned table'
  | 'foreign table'
  | 'view'
  | 'materialized view'
  | 'sequence'
  | 'function'
  | 'procedure'
  | 'aggregate'
  | 'window'
  | 'type'
  | 'domain'
  | 'column'
  | 'attribute'
  | 'constraint'
  | 'index'
  | 'trigger'
  | 'policy'
  | 'privilege'
  | 'default privilege';

/**
 * One difference between snapshot `a` (before, or expected) and `b` (after, or actual): an object
 * only in `b` (added), only in `a` (removed), or in both with a property that differs (changed).
 */
export interface DiffEntry {
  kind: 'added' | 'removed' | 'changed';
  class: DiffClass;
  objectType: DiffObjectType;
  /**
   * The object: a qualified name (`public.jobs`, `public.add(integer)`), a part of a table as
   * `public.jobs.status` (columns, constraints, triggers, policies), an index as `public.idx_name`.
   * For a privilege, the object it is on (with the column for a column privilege).
   */
  object: string;
  /** For parts of an object (columns, indexes, privileges, ...): the object they belong to. */
  parent?: { objectType: DiffObjectType; object: string };
  /** For `changed`: the property's path inside the object, e.g. `default`, `references.onDelete`. */
  path?: string;
  /** The value in `a` (the whole object for `removed`). */
  before?: unknown;
  /** The value in `b` (the whole object for `added`). */
  after?: unknown;
  /**
   * Why a difference that the servers' versions could explain is a real one (see
   * diffAcrossVersions), said after it: "both servers run Postgres 18: not explained by the major
   * version".
   */
  note?: string;
}

/** The differences between two snapshots, in a stable order. Empty when they are equal. */
export type SnapshotDiff = DiffEntry[];

/** What a comparison leaves out. */
export interface DiffOptions {
  /** Columns (and composite attributes) in another order are not a difference. */
  ignoreColumnOrder?: boolean;
  ignoreComments?: boolean;
  /** Privileges and default privileges. */
  ignorePrivileges?: boolean;
  ignoreOwners?: boolean;
}

interface PartSpec {
  property: string;
  objectType: DiffObjectType;
  /** The part's object name given its parent's key. */
  name: (parentKey: string, parent: Obj, item: Obj) => string;
}

type Obj = Record<string, unknown>;

const tablePart = (objectType: DiffObjectType, property: string): PartSpec => ({ property, objectType, name: (key, _p, item) => `${key}.${String(item.name)}` });
const indexPart: PartSpec = { property: 'indexes', objectType: 'index', name: (_k, parent, item) => `${String(parent.schema)}.${String(item.name)}` };

interface SectionSpec {
  section: SnapshotSection;
  objectType: (obj: Obj) => DiffObjectType;
  parts: PartSpec[];
}

const SECTIONS: SectionSpec[] = [
  { section: 'extensions', objectType: () => 'extension', parts: [] },
  { section: 'schemas', objectType: () => 'schema', parts: [] },
  { section: 'enums', objectType: () => 'type', parts: [] },
  { section: 'domains', objectType: () => 'domain', parts: [tablePart('constraint', 'constraints')] },
  { section: 'compositeTypes', objectType: () => 'type', parts: [tablePart('attribute', 'attributes')] },
  { section: 'rangeTypes', objectType: () => 'type', parts: [] },
  { section: 'sequences', objectType: () => 'sequence', parts: [] },
  { section: 'functions', objectType: (f) => f.kind as DiffObjectType, parts: [] },
  {
    section: 'tables',
    objectType: (t) => t.kind as DiffObjectType,
    parts: [tablePart('column', 'columns'), tablePart('constraint', 'constraints'), indexPart, tablePart('trigger', 'triggers'), tablePart('policy', 'policies')],
  },
  { section: 'views', objectType: (v) => (v.materialized ? 'materialized view' : 'view'), parts: [tablePart('column', 'columns'), indexPart, tablePart('trigger', 'triggers')] },
];

const SECURITY_PROPERTIES = new Set(['owner', 'rowSecurity', 'securityDefiner', 'leakproof']);
const SECURITY_TYPES = new Set<DiffObjectType>(['policy', 'privilege', 'default privilege']);

function classOf(objectType: DiffObjectType, path: string | undefined): DiffClass {
  if (path !== undefined) {
    const last = path.split('.').pop()!;
    if (last === 'comment') return 'documentation';
    if (SECURITY_PROPERTIES.has(path.split('.')[0]!)) return 'security';
  }
  return SECURITY_TYPES.has(objectType) ? 'security' : 'structure';
}

/**
 * Compares two snapshots. `a` is the reference (the schema before a migration, or the expected
 * one) and `b` the one compared with it; objects are matched by qualified name and parts of
 * objects (columns, constraints, indexes, ...) by name, so a renamed object shows as one removed
 * and one added.
 *
 * @example
 * const diff = diffSnapshots(before, afterDown, { ignoreComments: true });
 * if (diff.length) console.log(renderDiff(diff).join('\n'));
 */
export function diffSnapshots(a: CatalogSnapshot, b: CatalogSnapshot, options: DiffOptions = {}): SnapshotDiff {
  const entries: DiffEntry[] = [];
  if (a === b) return entries;
  compareObject(entries, options, 'database', 'database', a.database as unknown as Obj, b.database as unknown as Obj, []);
  for (const spec of SECTIONS) {
    const left = (a[spec.section] ?? {}) as unknown as Record<string, Obj>;
    const right = (b[spec.section] ?? {}) as unknown as Record<string, Obj>;
    // Snapshots patched incrementally share the sections nothing changed in.
    if (left === right) continue;
    for (const key of unionKeys(left, right)) {
      const before = left[key];
      const after = right[key];
      // Snapshots patched incrementally share unchanged objects: the same object needs no comparison.
      if (before && after) {
        if (before !== after) compareObject(entries, options, spec.objectType(before), key, before, after, spec.parts);
      }
      else if (before) entries.push({ kind: 'removed', class: 'structure', objectType: spec.objectType(before), object: key, before });
      else if (after) entries.push({ kind: 'added', class: 'structure', objectType: spec.objectType(after), object: key, after });
    }
  }
  if (!options.ignorePrivileges) compareDefaultPrivileges(entries, a.defaultPrivileges ?? [], b.defaultPrivileges ?? []);
  return entries;
}

function unionKeys(left: Record<string, unknown>, right: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].sort(compareText);
}

function skipped(options: DiffOptions, property: string): boolean {
  return (options.ignoreComments === true && property === 'comment') || (options.ignoreOwners === true && property === 'owner');
}

function compareObject(entries: DiffEntry[], options: DiffOptions, objectType: DiffObjectType, object: string, before: Obj, after: Obj, parts: PartSpec[], parent?: DiffEntry['parent']): void {
  const partProperties = new Set(parts.map((p) => p.property));
  compareProperties(entries, options, objectType, object, before, after, '', (property) => partProperties.has(property) || property === 'privileges', parent);
  for (const part of parts) {
    const left = keyedByName((before[part.property] ?? []) as Obj[]);
    const right = keyedByName((after[part.property] ?? []) as Obj[]);
    const self = { objectType, object };
    for (const name of unionKeys(left, right)) {
      const l = left[name];
      const r = right[name];
      const item = (l ?? r)!;
      const partName = part.name(object, l ? before : after, item);
      if (l && r) {
        compareObject(entries, options, part.objectType, partName, l, r, [], self);
        continue;
      }
      entries.push({
        kind: l ? 'removed' : 'added',
        class: classOf(part.objectType, undefined),
        objectType: part.objectType,
        object: partName,
        parent: self,
        ...(l ? { before: l } : { after: r }),
      });
    }
  }
  if (!options.ignorePrivileges && ('privileges' in before || 'privileges' in after)) {
    // Without owners, the owner's own privileges (and what it granted) follow the owner: a pure owner change is no difference.
    const owners = options.ignoreOwners ? ([before.owner, after.owner] as const) : undefined;
    comparePrivileges(entries, { objectType, object }, (before.privileges ?? []) as Privilege[], (after.privileges ?? []) as Privilege[], owners);
  }
}

function keyedByName(items: Obj[]): Record<string, Obj> {
  const record: Record<string, Obj> = {};
  for (const item of items) record[String(item.name)] = item;
  return record;
}

function compareProperties(
  entries: DiffEntry[],
  options: DiffOptions,
  objectType: DiffObjectType,
  object: string,
  before: Obj,
  after: Obj,
  prefix: string,
  isPart: (property: string) => boolean,
  parent: DiffEntry['parent'] | undefined,
): void {
  for (const property of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
    if (!prefix && isPart(property)) continue;
    if (skipped(options, property)) continue;
    if (options.ignoreColumnOrder && property === 'position' && (objectType === 'column' || objectType === 'attribute')) continue;
    const l = before[property];
    const r = after[property];
    const path = prefix ? `${prefix}.${property}` : property;
    if (isPlainObject(l) && isPlainObject(r)) {
      compareProperties(entries, options, objectType, object, l, r, path, isPart, parent);
    } else if (!deepEqual(l, r)) {
      entries.push({ kind: 'changed', class: classOf(objectType, path), objectType, object, ...(parent ? { parent } : {}), path, before: l ?? null, after: r ?? null });
    }
  }
}

const privilegeKey = (p: Privilege) => [p.column ?? '', p.grantee, p.privilege, p.grantor, p.grantable ? 'grantable' : ''].join('\u0000');

/** Stands for an object's owner in privilege keys, whoever it is, when owners are left out. */
const THE_OWNER = '\u0001owner';

function comparePrivileges(entries: DiffEntry[], parent: { objectType: DiffObjectType; object: string }, before: Privilege[], after: Privilege[], owners?: readonly [unknown, unknown]): void {
  const keyOf = (p: Privilege, owner: unknown) =>
    typeof owner === 'string' ? privilegeKey({ ...p, grantee: p.grantee === owner ? THE_OWNER : p.grantee, grantor: p.grantor === owner ? THE_OWNER : p.grantor }) : privilegeKey(p);
  const left = new Map(before.map((p) => [keyOf(p, owners?.[0]), p]));
  const right = new Map(after.map((p) => [keyOf(p, owners?.[1]), p]));
  for (const key of [...new Set([...left.keys(), ...right.keys()])].sort(compareText)) {
    const l = left.get(key);
    const r = right.get(key);
    if (l && r) continue;
    const p = (l ?? r)!;
    entries.push({
      kind: l ? 'removed' : 'added',
      class: 'security',
      objectType: 'privilege',
      object: p.column !== undefined ? `${parent.object}.${p.column}` : parent.object,
      parent,
      ...(l ? { before: l } : { after: r }),
    });
  }
}

const defaultKey = (d: DefaultPrivilegeSnapshot) => [d.role, d.schema ?? '', d.objectType, d.grantee, d.privilege, d.grantable ? 'grantable' : '', d.revoked ? 'revoked' : ''].join('\u0000');

function compareDefaultPrivileges(entries: DiffEntry[], before: DefaultPrivilegeSnapshot[], after: DefaultPrivilegeSnapshot[]): void {
  const left = new Map(before.map((d) => [defaultKey(d), d]));
  const right = new Map(after.map((d) => [defaultKey(d), d]));
  for (const key of [...new Set([...left.keys(), ...right.keys()])].sort(compareText)) {
    const l = left.get(key);
    const r = right.get(key);
    if (l && r) continue;
    const d = (l ?? r)!;
    entries.push({ kind: l ? 'removed' : 'added', class: 'security', objectType: 'default privilege', object: d.schema ?? '', ...(l ? { before: l } : { after: r }) });
  }
}

function isPlainObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as Obj);
  const kb = Object.keys(b as Obj);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as Obj, k) && deepEqual((a as Obj)[k], (b as Obj)[k]));
}
