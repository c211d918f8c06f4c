import type { DefaultPrivilege, PrivilegeGrant, PrivilegeObjectType } from '../catalog/privileges.js';
import { compareText } from '../catalog/sort.js';
import type { CatalogSnapshot, DefaultPrivilegeSnapshot, Privilege } from '../catalog/types.js';
import type { DesiredState } from '../roles/desired.js';
import type { LiveDatabase } from '../roles/live-database.js';
import type { DriftFinding } from './types.js';

const RELATION_TYPES: ReadonlySet<PrivilegeObjectType> = new Set(['table', 'view', 'materialized view', 'foreign table', 'sequence', 'column']);
const SEP = '\u0000';

interface Held {
  objectType: PrivilegeObjectType;
  schema: string | null;
  name: string;
  column?: string | undefined;
  grantee: string;
  privilege: string;
  grantable: boolean;
}

/** The snapshot's sections whose objects carry an owner and privileges (the database aside). */
const OWNED_SECTIONS = ['tables', 'views', 'sequences', 'functions', 'enums', 'domains', 'compositeTypes', 'rangeTypes', 'schemas'] as const;

/**
 * Whether a finding of the snapshot comparison is one that {@link rolesFindings} (and `pgwarden
 * roles plan`) judges instead: a privilege or default privilege whose grantee is a role the file
 * declares. Not so, and left to the snapshot, are what neither compares:
 * - the privileges an object's owner holds on it (`REVOKE UPDATE ON audit_log FROM migrator`,
 *   where migrator owns audit_log and roles.yaml declares it), as `actual` has the owner;
 * - a role's default privileges for itself (`ALTER DEFAULT PRIVILEGES FOR ROLE app_rw ... TO
 *   app_rw`, or a global entry that takes some of its own away).
 * Which role granted a privilege is not compared by roles.yaml: a grant through someone's grant
 * option shows as that grant option, which is judged where its holder is (roles.yaml or the snapshot).
 */
export function judgedByRoles(finding: DriftFinding, declared: ReadonlySet<string>, actual: CatalogSnapshot): boolean {
  if (finding.grantee === undefined || !declared.has(finding.grantee)) return false;
  if (finding.objectType === 'default privilege') {
    const entry = (finding.actual ?? finding.expected) as DefaultPrivilegeSnapshot;
    return entry.role !== finding.grantee;
  }
  return finding.objectType === 'privilege' && privilegeOwner(actual, finding) !== finding.grantee;
}

/**
 * The owner, in `snapshot`, of the object a privilege finding is about (its table for a column
 * privilege); undefined when the snapshot has no such object.
 */
function privilegeOwner(snapshot: CatalogSnapshot, finding: DriftFinding): string | undefined {
  const privilege = (finding.actual ?? finding.expected) as Privilege | undefined;
  const column = privilege?.column;
  const key = column !== undefined && finding.object.endsWith(`.${column}`) ? finding.object.slice(0, -column.length - 1) : finding.object;
  for (const section of OWNED_SECTIONS) {
    const object = (snapshot[section] as Record<string, { owner: string }>)[key];
    if (object) return object.owner;
  }
  return undefined;
}

/**
 * The privileges of the roles `schema/roles.yaml` declares, compared with what the file grants
 * them (as `pgwarden roles plan` compares them): the file is the whole truth for those roles, so a
 * privilege it does not grant (a grant made by hand) and one it grants that is missing are both
 * security drift. `rolesFile` names the file in the messages. Privileges on the database, and an
 * owner's own, are left out, as the plan leaves them.
 */
export function rolesFindings(desired: DesiredState, live: LiveDatabase, rolesFile: string): DriftFinding[] {
  const managed = new Set(desired.roles.keys());
  const owners = new Map(live.owners.map((o) => [ownerKey(o.objectType, o.schema, o.name), o.owner]));
  const want = new Map<string, Held>();
  const have = new Map<string, Held>();
  const put = (into: Map<string, Held>, held: Held) => {
    const key = [held.objectType, held.schema ?? '', held.name, held.column ?? '', held.grantee, held.privilege].join(SEP);
    const before = into.get(key);
    into.set(key, before ? { ...before, grantable: before.grantable || held.grantable } : held);
  };
  for (const g of desired.grants) for (const privilege of g.privileges) put(want, { objectType: g.objectType, schema: g.schema, name: g.name, column: g.column, grantee: g.grantee, privilege, grantable: g.grantable });
  for (const g of live.grants) {
    if (!managed.has(g.grantee) || g.objectType === 'database') continue;
    if (g.grantee === owners.get(ownerKey(g.objectType, g.schema, g.name))) continue;
    put(have, held(g));
  }
  const findings: DriftFinding[] = [];
  for (const key of [...new Set([...want.keys(), ...have.keys()])].sort(compareText)) {
    const w = want.get(key);
    const h = have.get(key);
    const p = (h ?? w)!;
    const what = `grant of ${p.privilege}${p.column !== undefined ? ` (${p.column})` : ''} on ${p.objectType === 'column' ? 'table' : p.objectType} ${qualified(p)} to ${p.grantee}`;
    const base = { class: 'security' as const, objectType: 'privilege' as const, object: p.column !== undefined ? `${qualified(p)}.${p.column}` : qualified(p), grantee: p.grantee };
    if (!w) findings.push({ ...base, kind: 'added', actual: h, message: `${what}${h!.grantable ? ' WITH GRANT OPTION' : ''} exists but ${rolesFile} does not grant it` });
    else if (!h) findings.push({ ...base, kind: 'removed', expected: w, message: `${what}${w.grantable ? ' WITH GRANT OPTION' : ''} is missing (${rolesFile} grants it)` });
    else if (w.grantable !== h.grantable) {
      findings.push({ ...base, kind: 'changed', path: 'grantable', expected: w, actual: h, message: `${what} is ${h.grantable ? '' : 'not '}WITH GRANT OPTION, ${rolesFile} grants it ${w.grantable ? 'with' : 'without'}` });
    }
  }
  return [...findings, ...defaultFindings(desired, live, managed, rolesFile)];
}

function defaultFindings(desired: DesiredState, live: LiveDatabase, managed: Set<string>, rolesFile: string): DriftFinding[] {
  const key = (d: DefaultPrivilege) => JSON.stringify([d.role, d.schema, d.objectType, d.grantee, d.privilege]);
  const schemas = new Set(live.owners.filter((o) => o.objectType === 'schema').map((o) => o.name));
  const want = new Map<string, DefaultPrivilege>();
  const have = new Map<string, DefaultPrivilege>();
  // A schema that does not exist yet: the plan skips those defaults, with a warning.
  for (const d of desired.defaults) if (d.schema === null || schemas.has(d.schema)) want.set(key(d), { ...d, grantable: d.grantable || (want.get(key(d))?.grantable ?? false) });
  for (const d of live.defaults) if (managed.has(d.grantee) && d.grantee !== d.role) have.set(key(d), d);
  const findings: DriftFinding[] = [];
  for (const k of [...new Set([...want.keys(), ...have.keys()])].sort(compareText)) {
    const w = want.get(k);
    const h = have.get(k);
    const d = (h ?? w)!;
    const what = `default privilege ${d.privilege} on ${d.objectType === 'schema' ? 'schemas' : `${d.objectType}s`} created by ${d.role}${d.schema !== null ? ` in schema ${d.schema}` : ''} for ${d.grantee}`;
    const base = { class: 'security' as const, objectType: 'default privilege' as const, object: d.schema ?? '', grantee: d.grantee };
    const strip = ({ role, schema, objectType, grantee, privilege, grantable }: DefaultPrivilege) => ({ role, schema, objectType, grantee, privilege, grantable });
    if (!w) findings.push({ ...base, kind: 'added', actual: strip(h!), message: `${what} exists but ${rolesFile} does not grant it` });
    else if (!h) findings.push({ ...base, kind: 'removed', expected: strip(w), message: `${what} is missing (${rolesFile} grants it)` });
    else if (w.grantable !== h.grantable) {
      findings.push({ ...base, kind: 'changed', path: 'grantable', expected: strip(w), actual: strip(h), message: `${what} is ${h.grantable ? '' : 'not '}WITH GRANT OPTION, ${rolesFile} grants it ${w.grantable ? 'with' : 'without'}` });
    }
  }
  return findings;
}

function ownerKey(objectType: PrivilegeObjectType, schema: string | null, name: string): string {
  return [RELATION_TYPES.has(objectType) ? 'relation' : objectType, schema ?? '', name].join(SEP);
}

function held(g: PrivilegeGrant): Held {
  return { objectType: g.objectType, schema: g.schema, name: g.name, ...(g.column !== undefined ? { column: g.column } : {}), grantee: g.grantee, privilege: g.privilege, grantable: g.grantable };
}

const qualified = (p: { schema: string | null; name: string }) => (p.schema !== null ? `${p.schema}.${p.name}` : p.name);
