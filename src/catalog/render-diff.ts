import type { DiffEntry, SnapshotDiff } from './diff.js';
import type { DefaultPrivilegeSnapshot, Privilege } from './types.js';

/**
 * How to word a difference:
 * - `restore` (verify): `a` is the schema before a migration, `b` after its down; an added object
 *   "still exists", a removed one "is missing", a property "changed from A to B".
 * - `drift`: `a` is the expected schema, `b` the database's; an added object "exists but is not
 *   expected", a property "is B, expected A".
 * - `neutral`: "was added", "was removed", "changed from A to B".
 */
export type DiffWording = 'restore' | 'drift' | 'neutral';

/**
 * One readable line per difference, e.g. "type public.job_status still exists", "index
 * idx_targets_platform on public.targets is missing", "default of column public.jobs.status
 * changed from 'pending'::public.job_status to NULL".
 */
export function renderDiff(diff: SnapshotDiff, options: { wording?: DiffWording } = {}): string[] {
  const wording = options.wording ?? 'restore';
  return diff.map((entry) => renderEntry(entry, wording));
}

/** The readable line of one difference, with its note when it has one. */
export function renderEntry(entry: DiffEntry, wording: DiffWording = 'restore'): string {
  const line = renderLine(entry, wording);
  return entry.note ? `${line} (${entry.note})` : line;
}

function renderLine(entry: DiffEntry, wording: DiffWording): string {
  const label = describe(entry);
  if (entry.kind === 'added') return `${label} ${wording === 'restore' ? 'still exists' : wording === 'drift' ? 'exists but is not expected' : 'was added'}`;
  if (entry.kind === 'removed') return `${label} ${wording === 'neutral' ? 'was removed' : 'is missing'}`;
  const path = entry.path ?? '';
  if (path === 'bodyHash') return `body of ${label} ${wording === 'drift' ? 'differs from the expected one' : 'changed'}`;
  const property = PROPERTY_LABELS[path] ?? words(path);
  const before = formatValue(path, entry.before);
  const after = formatValue(path, entry.after);
  if (wording === 'drift') return `${property} of ${label} is ${after}, expected ${before}`;
  return `${property} of ${label} changed from ${before} to ${after}`;
}

function describe(entry: DiffEntry): string {
  const parent = entry.parent;
  switch (entry.objectType) {
    case 'index':
    case 'constraint':
    case 'trigger':
    case 'policy': {
      const name = parent && entry.objectType !== 'index' ? entry.object.slice(parent.object.length + 1) : entry.object.slice(entry.object.indexOf('.') + 1);
      return parent ? `${entry.objectType} ${name} on ${parent.objectType} ${parent.object}` : `${entry.objectType} ${entry.object}`;
    }
    case 'privilege': {
      const p = (entry.before ?? entry.after) as Privilege;
      const on = parent ? `${parent.objectType} ${parent.object}` : entry.object;
      return `grant of ${p.privilege}${p.column !== undefined ? ` (${p.column})` : ''} on ${on} to ${p.grantee}${p.grantable ? ' WITH GRANT OPTION' : ''}`;
    }
    case 'default privilege': {
      const d = (entry.before ?? entry.after) as DefaultPrivilegeSnapshot;
      if (d.revoked) return `revoke of default privilege ${d.privilege} on ${d.objectType === 'schema' ? 'schemas' : `${d.objectType}s`} created by ${d.role} from ${d.role} itself`;
      return `default privilege ${d.privilege} on ${d.objectType === 'schema' ? 'schemas' : `${d.objectType}s`} created by ${d.role}${d.schema !== null ? ` in schema ${d.schema}` : ''} for ${d.grantee}${d.grantable ? ' WITH GRANT OPTION' : ''}`;
    }
    default:
      return `${entry.objectType} ${entry.object}`;
  }
}

const PROPERTY_LABELS: Record<string, string> = {
  nullable: 'nullability',
  generated: 'generation expression',
  'generated.expression': 'generation expression',
  'generated.kind': 'generated column kind',
  'rowSecurity.enabled': 'row level security',
  'rowSecurity.forced': 'forced row level security',
  'references.onDelete': 'ON DELETE action',
  'references.onUpdate': 'ON UPDATE action',
  'references.table': 'referenced table',
  'references.columns': 'referenced columns',
  'references.match': 'MATCH type',
  'identity.generation': 'identity generation',
  validated: 'validation',
  securityDefiner: 'SECURITY DEFINER',
  withCheck: 'WITH CHECK expression',
  using: 'USING expression',
  partitionKey: 'partition key',
  partitionOf: 'partition parent',
  baseType: 'base type',
};

/** `rowSecurity.forced` → `row security forced`. */
function words(path: string): string {
  return path
    .split('.')
    .map((part) => part.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' ');
}

const MAX_VALUE = 160;

function formatValue(path: string, value: unknown): string {
  if (path === 'nullable') return value ? 'nullable' : 'NOT NULL';
  if (path === 'validated') return value ? 'validated' : 'NOT VALID';
  if (value === null || value === undefined) return path === 'default' || path.endsWith('comment') ? 'NULL' : 'none';
  let text: string;
  if (typeof value === 'string') text = path.endsWith('comment') ? `'${value}'` : value;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) text = `[${value.join(', ')}]`;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}
