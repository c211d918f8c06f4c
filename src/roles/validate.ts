import { BUILTIN_PROFILES, VALID_PRIVILEGES, expandAll } from './profiles.js';
import type { DefaultKind, GrantKind, GrantSpec, MembershipSpec, PrivilegeMap, PrivilegeTarget, RoleSpec, RolesFileSpec } from './types.js';
import { untouchableReason } from './untouchable.js';

/** A problem found in a roles file that has the right shape, with the path of the offending value. */
export interface SpecProblem {
  path: (string | number)[];
  message: string;
}

export const GRANT_KINDS: readonly GrantKind[] = ['tables', 'sequences', 'functions', 'types'];
export const DEFAULT_KINDS: readonly DefaultKind[] = ['tables', 'sequences', 'functions', 'types', 'schemas'];

/** A membership's role name and options, whichever way it was written. */
export function membershipOf(spec: MembershipSpec): { role: string; admin?: boolean; inherit?: boolean; set?: boolean } {
  return typeof spec === 'string' ? { role: spec } : (spec ?? { role: '' });
}

/** A name or a list of names, as a list. */
export function namesOf(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : value;
}

/** Every role the file declares, top level and per environment, with where each is declared. */
export function declaredRoles(spec: RolesFileSpec): Map<string, Array<{ environment: string | undefined; role: RoleSpec }>> {
  const out = new Map<string, Array<{ environment: string | undefined; role: RoleSpec }>>();
  const add = (name: string, environment: string | undefined, role: RoleSpec) => {
    const list = out.get(name) ?? [];
    list.push({ environment, role });
    out.set(name, list);
  };
  for (const [name, role] of Object.entries(spec.roles ?? {})) add(name, undefined, role);
  for (const [env, block] of Object.entries(spec.environments ?? {})) {
    for (const [name, role] of Object.entries(block.roles ?? {})) add(name, env, role);
  }
  return out;
}

/** The profile or privileges of an entry as a map per target; undefined when it names an unknown profile. */
export function privilegeMapOf(spec: RolesFileSpec, entry: { profile?: string | undefined; privileges?: string[] | PrivilegeMap | undefined }): PrivilegeMap | undefined {
  if (entry.profile !== undefined) return spec.profiles?.[entry.profile] ?? BUILTIN_PROFILES[entry.profile];
  if (entry.privileges !== undefined && !Array.isArray(entry.privileges)) return entry.privileges;
  return undefined;
}

function checkPrivileges(problems: SpecProblem[], path: (string | number)[], target: PrivilegeTarget, privileges: readonly string[]): void {
  for (const privilege of privileges) {
    const upper = privilege.toUpperCase();
    if (upper === 'ALL' || upper === 'ALL PRIVILEGES') continue;
    if (!VALID_PRIVILEGES[target].includes(upper)) {
      problems.push({ path, message: `${upper} is not a privilege on ${target}: use ${VALID_PRIVILEGES[target].join(', ')}` });
    }
  }
}

/**
 * A `validUntil` timestamp as an instant (milliseconds since the epoch), NaN when it is not one.
 * ISO 8601 only (`2030-01-01`, `2030-01-01 12:00`, `2030-01-01T12:00:00+02:00`); a value without
 * a time zone is UTC, whatever the session's time zone, so the file means the same everywhere.
 */
export function validUntilInstant(value: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(value.trim());
  if (!match) return Number.NaN;
  const [, date, time = '00:00:00', zone = 'Z'] = match;
  const offset = /^[+-]\d{2}$/.test(zone) ? `${zone}:00` : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(`${date}T${time}${offset.toUpperCase()}`);
}

/** The target a default-privileges kind takes its privileges from. */
export function defaultTarget(kind: DefaultKind): PrivilegeTarget {
  return kind === 'schemas' ? 'schema' : kind;
}

/**
 * Checks what a schema cannot: references between entries, privileges that fit their kinds,
 * roles that may not be declared, passwords with their versions. Returns every problem.
 */
export function validateRolesSpec(spec: RolesFileSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const declared = declaredRoles(spec);
  const ignore = spec.managed?.ignore ?? [];

  for (const [name, profile] of Object.entries(spec.profiles ?? {})) {
    if (BUILTIN_PROFILES[name]) problems.push({ path: ['profiles', name], message: `profile "${name}" is built in: choose another name` });
    for (const [target, privileges] of Object.entries(profile)) checkPrivileges(problems, ['profiles', name, target], target as PrivilegeTarget, privileges ?? []);
  }

  for (const [name, places] of declared) {
    const reason = untouchableReason(name, { ignore });
    const first = places[0]!;
    const path = first.environment ? ['environments', first.environment, 'roles', name] : ['roles', name];
    if (reason) problems.push({ path, message: `role ${JSON.stringify(name)} cannot be managed: ${reason}` });
    if (Buffer.byteLength(name, 'utf8') > 63) problems.push({ path, message: `role name ${JSON.stringify(name)} is longer than Postgres's 63 bytes` });
    if (places.some((p) => p.environment === undefined) && places.length > 1) {
      const env = places.find((p) => p.environment !== undefined)!.environment!;
      problems.push({ path: ['environments', env, 'roles', name], message: `role ${JSON.stringify(name)} is declared at the top level and again under environments.${env}: declare it once` });
    }
    for (const place of places) {
      const base = place.environment ? ['environments', place.environment, 'roles', name] : ['roles', name];
      checkRole(problems, base, name, place.role);
      // A group the file does not declare may not exist in every environment: declare it, or say
      // it is managed elsewhere (managed.ignore). Predefined roles such as pg_read_all_data may be joined.
      (place.role.memberOf ?? []).forEach((m, i) => {
        const { role: target } = membershipOf(m);
        if (typeof target !== 'string' || target === name || target === 'PUBLIC' || target === 'public' || declared.has(target) || untouchableReason(target, { ignore })) return;
        problems.push({ path: [...base, 'memberOf', i], message: `role ${JSON.stringify(name)} is to join ${JSON.stringify(target)}, which the file does not declare: declare it under roles, or list it under managed.ignore when it is managed elsewhere` });
      });
    }
  }

  for (const env of [undefined, ...Object.keys(spec.environments ?? {})]) checkCycles(problems, spec, env);

  const isDeclared = (name: string) => declared.has(name);
  // Entries are null where the file had one of the wrong shape (reported as such by the loader).
  (spec.grants ?? []).forEach((grant, i) => grant && checkGrant(problems, spec, grant, ['grants', i], isDeclared));

  (spec.defaultPrivileges ?? []).forEach((entry, i) => {
    if (!entry) return;
    const path = ['defaultPrivileges', i];
    namesOf(entry.to).forEach((to, j) => {
      if (!isDeclared(to)) problems.push({ path: [...path, 'to', ...(typeof entry.to === 'string' ? [] : [j])], message: `default privileges for undeclared role ${JSON.stringify(to)}: declare it under roles (PUBLIC is handled by the public block)` });
    });
    const map = checkProfileChoice(problems, spec, entry, path);
    let kinds: DefaultKind[];
    if (entry.on) kinds = entry.on;
    else if (Array.isArray(entry.privileges)) {
      problems.push({ path, message: 'a privilege list needs "on": the kinds of future objects it applies to (tables, sequences, functions, types, schemas)' });
      kinds = [];
    } else kinds = map ? DEFAULT_KINDS.filter((k) => k !== 'schemas' && map[defaultTarget(k)]) : [];
    for (const kind of kinds) {
      if (kind === 'schemas' && entry.schema !== undefined) problems.push({ path: [...path, 'on'], message: 'default privileges on schemas cannot be limited to a schema: remove "schema" or "schemas"' });
      if (Array.isArray(entry.privileges)) checkPrivileges(problems, [...path, 'privileges'], defaultTarget(kind), entry.privileges);
      else if (map && !map[defaultTarget(kind)]?.length && entry.on) {
        problems.push({ path: [...path, 'on'], message: `${entry.profile ? `profile "${entry.profile}"` : 'the privileges'} grant nothing on ${kind}` });
      }
    }
  });

  const reassign = spec.managed?.reassignOwnedTo;
  if (reassign !== undefined && spec.managed?.dropUndeclared !== true) {
    problems.push({ path: ['managed', 'reassignOwnedTo'], message: 'reassignOwnedTo only matters with dropUndeclared: true; remove it or turn dropping on' });
  }
  for (const [i, prefix] of (spec.managed?.prefixes ?? []).entries()) {
    if (untouchableReason(`${prefix}x`) || /^pg_?$/.test(prefix) || 'pg_'.startsWith(prefix)) {
      problems.push({ path: ['managed', 'prefixes', i], message: `prefix ${JSON.stringify(prefix)} would match roles pgwarden never touches: choose a longer one` });
    }
  }
  return problems;
}

function checkRole(problems: SpecProblem[], base: (string | number)[], name: string, role: RoleSpec): void {
  if (role.password && role.login !== true) problems.push({ path: [...base, 'password'], message: `role ${JSON.stringify(name)} has a password but no login: true` });
  if (role.password && role.passwordVersion === undefined) problems.push({ path: [...base, 'password'], message: `role ${JSON.stringify(name)} has a password but no passwordVersion: add one (the password is re-set only when it changes)` });
  if (!role.password && role.passwordVersion !== undefined) problems.push({ path: [...base, 'passwordVersion'], message: `role ${JSON.stringify(name)} has a passwordVersion but no password source (password: {env: NAME} or {file: path})` });
  if (role.validUntil && role.validUntil !== 'infinity' && Number.isNaN(validUntilInstant(role.validUntil))) {
    problems.push({ path: [...base, 'validUntil'], message: `validUntil ${JSON.stringify(role.validUntil)} is not an ISO 8601 timestamp: write e.g. 2027-01-01, 2027-01-01T00:00:00Z or 2027-01-01 09:00+02:00 (no zone means UTC), or infinity` });
  }
  const settingNames = new Map<string, string>();
  for (const key of Object.keys(role.settings ?? {})) {
    const first = settingNames.get(key.toLowerCase());
    if (first !== undefined) problems.push({ path: [...base, 'settings', key], message: `setting ${JSON.stringify(key)} is ${JSON.stringify(first)} again (setting names are case-insensitive): keep one` });
    else settingNames.set(key.toLowerCase(), key);
  }
  const seen = new Set<string>();
  (role.memberOf ?? []).forEach((m, i) => {
    const { role: target } = membershipOf(m);
    if (target === name) problems.push({ path: [...base, 'memberOf', i], message: `role ${JSON.stringify(name)} cannot be a member of itself` });
    if (seen.has(target)) problems.push({ path: [...base, 'memberOf', i], message: `membership in ${JSON.stringify(target)} is listed twice` });
    seen.add(target);
    if (target === 'PUBLIC' || target === 'public') problems.push({ path: [...base, 'memberOf', i], message: 'every role is in PUBLIC already: remove it' });
  });
}

/** Membership cycles among the roles one environment sees (Postgres refuses them at apply time). */
function checkCycles(problems: SpecProblem[], spec: RolesFileSpec, env: string | undefined): void {
  const roles = { ...(spec.roles ?? {}), ...(env ? (spec.environments?.[env]?.roles ?? {}) : {}) };
  const edges = new Map(Object.entries(roles).map(([name, r]) => [name, (r.memberOf ?? []).map((m) => membershipOf(m).role)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const path = env && spec.environments?.[env]?.roles?.[name] ? ['environments', env, 'roles', name, 'memberOf'] : ['roles', name, 'memberOf'];
        problems.push({ path, message: `membership cycle: ${cycle.map((c) => JSON.stringify(c)).join(' → ')}` });
      }
      return;
    }
    state.set(name, 'visiting');
    for (const next of edges.get(name) ?? []) if (edges.has(next) && next !== name) visit(next, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of edges.keys()) visit(name, []);
}

function checkProfileChoice(problems: SpecProblem[], spec: RolesFileSpec, entry: { profile?: string | undefined; privileges?: string[] | PrivilegeMap | undefined }, path: (string | number)[]): PrivilegeMap | undefined {
  if (entry.profile !== undefined && entry.privileges !== undefined) {
    problems.push({ path, message: 'give either profile or privileges, not both' });
    return undefined;
  }
  if (entry.profile === undefined && entry.privileges === undefined) {
    problems.push({ path, message: 'give a profile (read, write, ddl or one under profiles) or a privileges list' });
    return undefined;
  }
  if (entry.profile !== undefined && !spec.profiles?.[entry.profile] && !BUILTIN_PROFILES[entry.profile]) {
    const known = [...Object.keys(BUILTIN_PROFILES), ...Object.keys(spec.profiles ?? {})];
    problems.push({ path: [...path, 'profile'], message: `unknown profile "${entry.profile}": use ${known.join(', ')}` });
    return undefined;
  }
  const map = privilegeMapOf(spec, entry);
  if (map && entry.privileges !== undefined) {
    for (const [target, privileges] of Object.entries(map)) checkPrivileges(problems, [...path, 'privileges', target], target as PrivilegeTarget, privileges ?? []);
  }
  return map;
}

function checkGrant(problems: SpecProblem[], spec: RolesFileSpec, grant: GrantSpec, path: (string | number)[], isDeclared: (name: string) => boolean): void {
  namesOf(grant.to).forEach((to, j) => {
    if (!isDeclared(to)) {
      problems.push({ path: [...path, 'to', ...(typeof grant.to === 'string' ? [] : [j])], message: `grant to undeclared role ${JSON.stringify(to)}: declare it under roles (PUBLIC is handled by the public block)` });
    }
  });
  const map = checkProfileChoice(problems, spec, grant, path);
  const kinds = GRANT_KINDS.filter((k) => grant[k] !== undefined);
  const targets: PrivilegeTarget[] = [...kinds, ...(grant.columns ? (['columns'] as const) : [])];
  if (Array.isArray(grant.privileges)) {
    if (targets.length === 0) checkPrivileges(problems, [...path, 'privileges'], 'schema', grant.privileges);
    for (const target of targets) checkPrivileges(problems, [...path, 'privileges'], target, grant.privileges);
  } else if (map) {
    for (const target of targets) {
      const list = target === 'columns' ? (map.columns ?? map.tables?.filter((p) => VALID_PRIVILEGES.columns.includes(expandAll('tables', [p])[0]!))) : map[target];
      if (!list?.length) problems.push({ path: [...path, target], message: `${grant.profile ? `profile "${grant.profile}"` : 'the privileges'} grant nothing on ${target}` });
    }
  }
  if (grant.exclude && !kinds.some((k) => grant[k] === '*')) {
    problems.push({ path: [...path, 'exclude'], message: 'exclude only applies to "*": list names or use "*"' });
  }
}
