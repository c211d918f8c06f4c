import { basename, dirname, isAbsolute, join } from 'node:path';
import type { DefaultPrivilege, OwnedObject, PrivilegeObjectType } from '../catalog/privileges.js';
import type { Problem } from '../errors.js';
import { objectKey, type LiveDatabase } from './live-database.js';
import { expandAll, VALID_PRIVILEGES } from './profiles.js';
import { LIST_SETTINGS, listElements } from './sql.js';
import type { DefaultKind, GrantKind, GrantSpec, PrivilegeTarget, RoleSpec, RolesFile, RolesFileSpec, SpecLocation } from './types.js';
import { untouchableReason } from './untouchable.js';
import { defaultTarget, DEFAULT_KINDS, GRANT_KINDS, membershipOf, namesOf, privilegeMapOf } from './validate.js';

/** Where a password comes from at apply time. */
export type PasswordSource = { env: string } | { file: string };

/** A role as the file wants it, every attribute resolved to a value. */
export interface DesiredRole {
  name: string;
  superuser: boolean;
  login: boolean;
  createdb: boolean;
  createrole: boolean;
  inherit: boolean;
  replication: boolean;
  bypassrls: boolean;
  connectionLimit: number;
  validUntil: string | null;
  settings: Record<string, string | string[]>;
  comment: string | null;
  memberships: Array<{ role: string; admin: boolean; inherit: boolean | undefined; set: boolean | undefined; location: SpecLocation }>;
  password: { source: PasswordSource; version: string } | undefined;
  location: SpecLocation;
}

/** The privileges one grant entry wants a role to hold on one object. */
export interface DesiredGrant {
  objectType: PrivilegeObjectType;
  schema: string | null;
  name: string;
  column?: string | undefined;
  grantee: string;
  privileges: readonly string[];
  grantable: boolean;
  origin: SpecLocation;
}

export interface DesiredDefault extends DefaultPrivilege {
  origin: SpecLocation;
}

/**
 * The creating roles whose own default privileges the file keeps as Postgres makes them (it has no
 * way to say that a role takes its own away, `ALTER DEFAULT PRIVILEGES FOR ROLE x REVOKE ... FROM
 * x`): the roles it declares for the environment and the `for` roles of its defaultPrivileges
 * entries, but those pgwarden never touches (see untouchableReason).
 */
export function rolesKeepingOwnDefaults(spec: RolesFileSpec, declared: Iterable<string>, applier: string): Set<string> {
  const roles = new Set([...declared, ...(spec.defaultPrivileges ?? []).flatMap((d) => namesOf(d.for))]);
  return new Set([...roles].filter((role) => !untouchableReason(role, { applier, ignore: spec.managed?.ignore })));
}

/** The file expanded against the objects that exist now, for one environment. */
export interface DesiredState {
  roles: Map<string, DesiredRole>;
  grants: DesiredGrant[];
  defaults: DesiredDefault[];
  /** Named objects the file mentions that do not exist (yet): skipped, reported. */
  warnings: string[];
  /** Problems that stop the plan (an undeclared role referenced, an option this server lacks). */
  problems: Problem[];
}

const KIND_OF: Partial<Record<PrivilegeObjectType, GrantKind | 'schema'>> = {
  table: 'tables',
  view: 'tables',
  'materialized view': 'tables',
  'foreign table': 'tables',
  sequence: 'sequences',
  function: 'functions',
  procedure: 'functions',
  type: 'types',
  schema: 'schema',
};

/** The roles.yaml kind an object type belongs to. */
export function kindOf(objectType: PrivilegeObjectType): GrantKind | 'schema' | undefined {
  return KIND_OF[objectType];
}

/** A function's name without its argument list, unquoted. */
export function functionBaseName(name: string): string {
  const base = name.slice(0, name.indexOf('(') < 0 ? name.length : name.indexOf('('));
  return base.startsWith('"') ? base.slice(1, -1).replace(/""/g, '"') : base;
}

const normaliseSignature = (s: string) => s.replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').replace(/,/g, ', ');

function matchesName(kind: GrantKind, object: OwnedObject, wanted: string): boolean {
  if (kind !== 'functions') return object.name === wanted;
  if (wanted.includes('(')) return normaliseSignature(object.name) === normaliseSignature(wanted);
  return functionBaseName(object.name) === wanted;
}

/** The comment marker that records which password version was applied (see docs/roles.md). */
const PASSWORD_MARKER = /(?:\n\n)?\[pgwarden password-version: ([^\]\n]*)\]$/;

/** Splits a live role comment into the comment proper and the applied password version. */
export function splitComment(comment: string | null): { comment: string | null; passwordVersion: string | undefined } {
  if (comment === null) return { comment: null, passwordVersion: undefined };
  const match = PASSWORD_MARKER.exec(comment);
  if (!match) return { comment, passwordVersion: undefined };
  const rest = comment.slice(0, match.index);
  return { comment: rest === '' ? null : rest, passwordVersion: match[1] };
}

/** A comment with the applied password version recorded in it. */
export function joinComment(comment: string | null, passwordVersion: string | undefined): string | null {
  if (passwordVersion === undefined) return comment;
  const marker = `[pgwarden password-version: ${passwordVersion}]`;
  return comment === null || comment === '' ? marker : `${comment}\n\n${marker}`;
}

/** A setting value as the file gives it, in the form compared with the server's. */
export function settingValue(name: string, value: string | number | boolean | string[]): string | string[] {
  if (LIST_SETTINGS.has(name.toLowerCase())) return listElements(Array.isArray(value) ? value : String(value));
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function resolveRole(name: string, spec: RoleSpec, location: SpecLocation, rolesFile: RolesFile, base: (string | number)[]): DesiredRole {
  const passwordSource: PasswordSource | undefined = spec.password?.env
    ? { env: spec.password.env }
    : spec.password?.file
      ? { file: isAbsolute(spec.password.file) ? spec.password.file : join(dirname(rolesFile.file), spec.password.file) }
      : undefined;
  return {
    name,
    superuser: spec.superuser ?? false,
    login: spec.login ?? false,
    createdb: spec.createdb ?? false,
    createrole: spec.createrole ?? false,
    inherit: spec.inherit ?? true,
    replication: spec.replication ?? false,
    bypassrls: spec.bypassrls ?? false,
    connectionLimit: spec.connectionLimit ?? -1,
    validUntil: spec.validUntil ?? null,
    // Keyed in lower case: Postgres compares setting names case-insensitively (and stores TimeZone for timezone).
    settings: Object.fromEntries(Object.entries(spec.settings ?? {}).map(([k, v]) => [k.toLowerCase(), settingValue(k, v)])),
    // Postgres stores an empty comment as no comment at all.
    comment: spec.comment === '' ? null : (spec.comment ?? null),
    memberships: (spec.memberOf ?? []).map((m, i) => {
      const o = membershipOf(m);
      return { role: o.role, admin: o.admin ?? false, inherit: o.inherit, set: o.set, location: rolesFile.locate([...base, 'memberOf', i]) };
    }),
    password: passwordSource && spec.passwordVersion !== undefined ? { source: passwordSource, version: String(spec.passwordVersion) } : undefined,
    location,
  };
}

/** The roles the file declares for an environment (top level plus that environment's block). */
export function rolesForEnvironment(rolesFile: RolesFile, environment: string | undefined): Map<string, DesiredRole> {
  const out = new Map<string, DesiredRole>();
  for (const [name, spec] of Object.entries(rolesFile.spec.roles ?? {})) {
    out.set(name, resolveRole(name, spec, rolesFile.locate(['roles', name]), rolesFile, ['roles', name]));
  }
  if (environment !== undefined) {
    for (const [name, spec] of Object.entries(rolesFile.spec.environments?.[environment]?.roles ?? {})) {
      const base = ['environments', environment, 'roles', name];
      out.set(name, resolveRole(name, spec, rolesFile.locate(base), rolesFile, base));
    }
  }
  return out;
}

/** Object kinds an entry selects, with the privileges it gives on each. */
function grantPrivileges(rolesFile: RolesFile, grant: GrantSpec): Record<PrivilegeTarget, string[]> {
  const out: Record<PrivilegeTarget, string[]> = { schema: [], tables: [], sequences: [], functions: [], types: [], columns: [] };
  const kinds = GRANT_KINDS.filter((k) => grant[k] !== undefined);
  if (Array.isArray(grant.privileges)) {
    if (kinds.length === 0 && !grant.columns) out.schema = expandAll('schema', grant.privileges);
    else out.schema = ['USAGE'];
    for (const k of kinds) out[k] = expandAll(k, grant.privileges);
    if (grant.columns) out.columns = expandAll('columns', grant.privileges);
    return out;
  }
  const map = privilegeMapOf(rolesFile.spec, grant) ?? {};
  out.schema = expandAll('schema', map.schema ?? []);
  for (const k of kinds) out[k] = expandAll(k, map[k] ?? []);
  if (grant.columns) {
    out.columns = map.columns ? expandAll('columns', map.columns) : expandAll('tables', map.tables ?? []).filter((p) => VALID_PRIVILEGES.columns.includes(p));
  }
  return out;
}

/**
 * Expands the file for one environment against the objects the database has now: `*` becomes
 * every object of the kind in the schema, profiles become privileges, and privileges an object's
 * owner already holds are left out (an owner holds every privilege implicitly).
 */
export function expandDesired(rolesFile: RolesFile, environment: string | undefined, live: LiveDatabase): DesiredState {
  const spec = rolesFile.spec;
  const roles = rolesForEnvironment(rolesFile, environment);
  const warnings: string[] = [];
  const problems: Problem[] = [];
  const at = (loc: SpecLocation) => `${basename(rolesFile.file)}${loc.line ? `:${loc.line}` : ''}`;

  const bySchema = new Map<string, Map<GrantKind | 'schema', OwnedObject[]>>();
  for (const o of live.owners) {
    const kind = kindOf(o.objectType);
    if (!kind) continue;
    const schema = o.objectType === 'schema' ? o.name : o.schema!;
    let kinds = bySchema.get(schema);
    if (!kinds) bySchema.set(schema, (kinds = new Map()));
    const list = kinds.get(kind) ?? [];
    list.push(o);
    kinds.set(kind, list);
  }

  const grants: DesiredGrant[] = [];
  (spec.grants ?? []).forEach((grant, index) => {
    const origin = rolesFile.locate(['grants', index]);
    const privileges = grantPrivileges(rolesFile, grant);
    const grantable = grant.withGrantOption ?? false;
    const inEnvironment = namesOf(grant.to).filter((to) => roles.has(to));
    const schemaObjects = bySchema.get(grant.schema);
    if (!schemaObjects) {
      warnings.push(`${at(origin)}: schema "${grant.schema}" does not exist (yet): grants[${index}] skipped`);
      return;
    }
    const add = (object: OwnedObject, privilegeList: string[], column?: string) => {
      if (privilegeList.length === 0) return;
      for (const to of inEnvironment) {
        if (to === object.owner) continue;
        grants.push({ objectType: object.objectType, schema: object.schema, name: object.name, column, grantee: to, privileges: privilegeList, grantable, origin });
      }
    };
    const schemaObject = schemaObjects.get('schema')?.[0];
    if (schemaObject && privileges.schema.length > 0) add(schemaObject, privileges.schema);
    const exclude = new Set(grant.exclude ?? []);
    for (const kind of GRANT_KINDS) {
      const selector = grant[kind];
      if (selector === undefined) continue;
      const objects = schemaObjects.get(kind) ?? [];
      if (selector === '*') {
        for (const o of objects) {
          if (exclude.has(o.name) || (kind === 'functions' && exclude.has(functionBaseName(o.name)))) continue;
          add(o, privileges[kind]);
        }
      } else {
        selector.forEach((wanted, i) => {
          const found = objects.filter((o) => matchesName(kind, o, wanted));
          if (found.length === 0) warnings.push(`${at(rolesFile.locate(['grants', index, kind, i]))}: ${kind.slice(0, -1)} ${grant.schema}.${wanted} does not exist (yet): skipped`);
          for (const o of found) add(o, privileges[kind]);
        });
      }
    }
    for (const [table, columns] of Object.entries(grant.columns ?? {})) {
      const object = (schemaObjects.get('tables') ?? []).find((o) => o.name === table);
      const existing = live.columns.get(objectKey(grant.schema, table));
      if (!object || !existing) {
        warnings.push(`${at(rolesFile.locate(['grants', index, 'columns', table]))}: table ${grant.schema}.${table} does not exist (yet): its column grants are skipped`);
        continue;
      }
      for (const column of columns) {
        if (!existing.includes(column)) {
          warnings.push(`${at(rolesFile.locate(['grants', index, 'columns', table]))}: column ${grant.schema}.${table}.${column} does not exist (yet): skipped`);
          continue;
        }
        add({ ...object, objectType: 'column' }, privileges.columns, column);
      }
    }
  });

  const defaults: DesiredDefault[] = [];
  (spec.defaultPrivileges ?? []).forEach((entry, index) => {
    const origin = rolesFile.locate(['defaultPrivileges', index]);
    const map = Array.isArray(entry.privileges) ? undefined : (privilegeMapOf(spec, entry) ?? {});
    const kinds: DefaultKind[] = entry.on ?? DEFAULT_KINDS.filter((k) => k !== 'schemas' && map?.[defaultTarget(k)]?.length);
    const objectType = { tables: 'table', sequences: 'sequence', functions: 'function', types: 'type', schemas: 'schema' } as const;
    for (const creator of namesOf(entry.for)) {
      for (const to of namesOf(entry.to)) {
        if (!roles.has(to) || to === creator) continue;
        for (const kind of kinds) {
          const target = defaultTarget(kind);
          const list = Array.isArray(entry.privileges) ? expandAll(target, entry.privileges) : expandAll(target, map?.[target] ?? []);
          for (const privilege of list) {
            defaults.push({ role: creator, schema: entry.schema ?? null, objectType: objectType[kind], grantee: to, privilege, grantable: entry.withGrantOption ?? false, origin });
          }
        }
      }
    }
  });

  return { roles, grants, defaults, warnings, problems };
}
