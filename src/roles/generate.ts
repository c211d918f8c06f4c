import type pg from 'pg';
import { stringify } from 'yaml';
import { compareText } from '../catalog/sort.js';
import type { DefaultPrivilege } from '../catalog/privileges.js';
import { kindOf, rolesKeepingOwnDefaults, splitComment } from './desired.js';
import { objectKey, readLiveDatabase } from './live-database.js';
import { readLiveCluster, type LiveMembership, type LiveRole } from './live-roles.js';
import { defaultKeyword, ident } from './sql.js';
import type { DefaultKind, DefaultPrivilegeSpec, GrantKind, GrantSpec, PrivilegeMap, PrivilegeTarget, RoleSpec, RolesFileSpec } from './types.js';
import { untouchableReason } from './untouchable.js';

export interface GenerateOptions {
  /** Put login roles under `environments.<name>.roles` instead of the top level. */
  environment?: string | undefined;
}

export interface GeneratedRoles {
  spec: RolesFileSpec;
  /** The spec as roles.yaml text, with a header. */
  text: string;
  /**
   * Roles left out of the file although pgwarden could touch them: superusers (a plan refuses
   * `superuser: true` without --allow-superuser). They are listed under `managed.ignore`.
   */
  leftOut: string[];
  /**
   * What the file cannot say as the database has it, each naming what applying the file would
   * change: a membership granted by several grantors with different options (Postgres 16 and
   * later) is written with one grant's options, and the plan revokes the others; a role's own
   * default privileges that it took away are granted back.
   */
  warnings: string[];
}

const RELATION_KIND_ORDER: GrantKind[] = ['tables', 'sequences', 'functions', 'types'];

function roleSpec(role: LiveRole, memberOf: RoleSpec['memberOf']): RoleSpec {
  const spec: RoleSpec = {};
  if (role.login) spec.login = true;
  if (role.superuser) spec.superuser = true;
  if (role.createdb) spec.createdb = true;
  if (role.createrole) spec.createrole = true;
  if (!role.inherit) spec.inherit = false;
  if (role.replication) spec.replication = true;
  if (role.bypassrls) spec.bypassrls = true;
  if (role.connectionLimit !== -1) spec.connectionLimit = role.connectionLimit;
  if (role.validUntil !== null && role.validUntil !== 'infinity') spec.validUntil = role.validUntil;
  // Lower case, as the file is usually written: Postgres stores some names capitalised (TimeZone, DateStyle).
  if (Object.keys(role.settings).length > 0) spec.settings = Object.fromEntries(Object.entries(role.settings).map(([k, v]) => [k.toLowerCase(), v]));
  const { comment } = splitComment(role.comment);
  if (comment !== null) spec.comment = comment;
  if (memberOf && memberOf.length > 0) spec.memberOf = memberOf;
  return spec;
}

/**
 * Describes an existing database as a roles file that loads and that, planned against the same
 * database (without --allow-superuser), finds nothing to do: every role but the ones pgwarden
 * never touches (and the applying user) and the superusers, their memberships, their privileges
 * (`*` where a role holds the same on every object of a kind in a schema), default privileges, and
 * the PUBLIC rules that hold today. Superusers, and the applying user when a role is a member of
 * it, are listed under `managed.ignore`: the file leaves them alone, and may name them in
 * `memberOf`. Passwords are not included: add `password` and `passwordVersion` to the login roles
 * by hand. What the file cannot say (a membership granted by several grantors with different
 * options) is in `warnings`, with the statement the plan then makes.
 */
export async function generateRoles(client: pg.ClientBase, options: GenerateOptions = {}): Promise<GeneratedRoles> {
  const cluster = await readLiveCluster(client);
  const live = await readLiveDatabase(client);
  const pg16 = cluster.serverVersionNum >= 160000;
  const touchable = cluster.roles.filter((r) => !untouchableReason(r.name, { applier: cluster.applier }));
  const leftOut = touchable.filter((r) => r.superuser).map((r) => r.name).sort(compareText);
  const roles = touchable.filter((r) => !r.superuser);
  const names = new Set(roles.map((r) => r.name));
  // Groups the file may name without declaring them: besides predefined and service roles (which
  // the loader knows by name), the ones listed under managed.ignore.
  const ignore = new Set(leftOut);

  const top: Record<string, RoleSpec> = {};
  const envRoles: Record<string, RoleSpec> = {};
  const effectiveGrantor = cluster.applierIsSuperuser ? cluster.bootstrapSuperuser : cluster.applier;
  const warnings: string[] = [];
  for (const role of roles) {
    // One entry per group: on Postgres 16 a membership granted by two grantors is two rows (the
    // plan keeps them when their options agree); the options written are those of the grant the
    // applying user would make, else of the first.
    const rows = cluster.memberships.filter((m) => m.member === role.name);
    const groups = [...new Set(rows.map((m) => m.role))];
    const memberOf = groups.map((group) => {
      const ofGroup = rows.filter((m) => m.role === group);
      const m = ofGroup.find((r) => r.grantor === effectiveGrantor) ?? ofGroup[0]!;
      const others = ofGroup.filter((r) => r !== m && (r.admin !== m.admin || r.inherit !== m.inherit || r.set !== m.set));
      if (others.length > 0) warnings.push(twoGrantorsWarning(m, others));
      if (!names.has(group) && !untouchableReason(group)) ignore.add(group);
      const options: { role: string; admin?: boolean; inherit?: boolean; set?: boolean } = { role: m.role };
      if (m.admin) options.admin = true;
      if (pg16 && m.inherit !== null && m.inherit !== role.inherit) options.inherit = m.inherit;
      if (pg16 && m.set === false) options.set = false;
      return Object.keys(options).length === 1 ? m.role : options;
    });
    const spec = roleSpec(role, memberOf);
    if (options.environment !== undefined && role.login) envRoles[role.name] = spec;
    else top[role.name] = spec;
  }

  const owners = new Map<string, string>();
  const inventory = new Map<string, Map<GrantKind, string[]>>();
  for (const o of live.owners) {
    const kind = kindOf(o.objectType);
    if (!kind || kind === 'schema') continue;
    owners.set(`${kind}\u0000${objectKey(o.schema, o.name)}`, o.owner);
    let kinds = inventory.get(o.schema!);
    if (!kinds) inventory.set(o.schema!, (kinds = new Map()));
    kinds.set(kind, [...(kinds.get(kind) ?? []), o.name]);
  }
  const schemaOwners = new Map(live.owners.filter((o) => o.objectType === 'schema').map((o) => [o.name, o.owner]));

  // grantee → schema → grantable → target → object → privileges
  type Held = Map<string, Set<string>>;
  const held = new Map<string, Map<string, Map<boolean, Map<PrivilegeTarget, Held>>>>();
  const hold = (grantee: string, schema: string, grantable: boolean, target: PrivilegeTarget, object: string, privilege: string) => {
    const a = held.get(grantee) ?? new Map();
    held.set(grantee, a);
    const b = a.get(schema) ?? new Map();
    a.set(schema, b);
    const c = b.get(grantable) ?? new Map();
    b.set(grantable, c);
    const d: Held = c.get(target) ?? new Map();
    c.set(target, d);
    d.set(object, (d.get(object) ?? new Set()).add(privilege));
  };
  for (const g of live.grants) {
    if (!names.has(g.grantee) || g.objectType === 'database') continue;
    if (g.objectType === 'schema') {
      if (schemaOwners.get(g.name) !== g.grantee) hold(g.grantee, g.name, g.grantable, 'schema', g.name, g.privilege);
      continue;
    }
    if (g.objectType === 'column') {
      if (owners.get(`tables\u0000${objectKey(g.schema, g.name)}`) !== g.grantee) hold(g.grantee, g.schema!, g.grantable, 'columns', `${g.name}\u0000${g.column}`, g.privilege);
      continue;
    }
    const kind = kindOf(g.objectType);
    if (!kind || kind === 'schema') continue;
    if (owners.get(`${kind}\u0000${objectKey(g.schema, g.name)}`) === g.grantee) continue;
    hold(g.grantee, g.schema!, g.grantable, kind, g.name, g.privilege);
  }

  const grants: GrantSpec[] = [];
  const sortedKeys = <K extends string>(m: Map<K, unknown>) => [...m.keys()].sort(compareText);
  for (const grantee of sortedKeys(held)) {
    const bySchema = held.get(grantee)!;
    for (const schema of sortedKeys(bySchema)) {
      for (const grantable of [false, true]) {
        const targets = bySchema.get(schema)!.get(grantable);
        if (!targets) continue;
        const withOption = grantable ? { withGrantOption: true } : {};
        const main: GrantSpec = { to: grantee, schema, privileges: {} as PrivilegeMap, ...withOption };
        const map = main.privileges as PrivilegeMap;
        const schemaPrivileges = targets.get('schema')?.get(schema);
        if (schemaPrivileges) map.schema = [...schemaPrivileges].sort(compareText);
        const named: GrantSpec[] = [];
        for (const kind of RELATION_KIND_ORDER) {
          const objects = targets.get(kind);
          if (!objects) continue;
          const candidates = (inventory.get(schema)?.get(kind) ?? []).filter((name) => owners.get(`${kind}\u0000${objectKey(schema, name)}`) !== grantee);
          const sets = new Map<string, string[]>();
          for (const [object, privileges] of objects) {
            const key = [...privileges].sort(compareText).join(',');
            sets.set(key, [...(sets.get(key) ?? []), object]);
          }
          if (sets.size === 1 && objects.size === candidates.length) {
            map[kind] = [...sets.keys()][0]!.split(',');
            main[kind] = '*';
            continue;
          }
          for (const [key, list] of [...sets].sort(([a], [b]) => compareText(a, b))) {
            named.push({ to: grantee, schema, privileges: { [kind]: key.split(',') }, [kind]: list.sort(compareText), ...withOption });
          }
        }
        const columns = targets.get('columns');
        if (columns) {
          const byPrivileges = new Map<string, Record<string, string[]>>();
          for (const [object, privileges] of columns) {
            const [table, column] = object.split('\u0000') as [string, string];
            const key = [...privileges].sort(compareText).join(',');
            const tables = byPrivileges.get(key) ?? {};
            tables[table] = [...(tables[table] ?? []), column].sort(compareText);
            byPrivileges.set(key, tables);
          }
          for (const [key, tables] of [...byPrivileges].sort(([a], [b]) => compareText(a, b))) {
            named.push({ to: grantee, schema, privileges: { columns: key.split(',') }, columns: tables, ...withOption });
          }
        }
        if (Object.keys(map).length > 0) grants.push(main);
        grants.push(...named);
      }
    }
  }

  const defaultPrivileges: DefaultPrivilegeSpec[] = [];
  const defaults = new Map<string, Map<DefaultKind, string[]>>();
  const kindFor = { table: 'tables', sequence: 'sequences', function: 'functions', type: 'types', schema: 'schemas' } as const;
  for (const d of live.defaults) {
    if (!names.has(d.grantee) || d.grantee === d.role) continue;
    const key = JSON.stringify([d.role, d.schema, d.grantee, d.grantable]);
    const kinds = defaults.get(key) ?? new Map();
    defaults.set(key, kinds);
    const kind = kindFor[d.objectType];
    kinds.set(kind, [...(kinds.get(kind) ?? []), d.privilege]);
  }
  for (const key of [...defaults.keys()].sort(compareText)) {
    const [role, schema, grantee, grantable] = JSON.parse(key) as [string, string | null, string, boolean];
    const kinds = defaults.get(key)!;
    const map: PrivilegeMap = {};
    const on: DefaultKind[] = [];
    for (const kind of ['tables', 'sequences', 'functions', 'types', 'schemas'] as const) {
      const list = kinds.get(kind);
      if (!list) continue;
      on.push(kind);
      map[kind === 'schemas' ? 'schema' : kind] = [...new Set(list)].sort(compareText);
    }
    defaultPrivileges.push({ for: role, ...(schema !== null ? { schema } : {}), to: grantee, privileges: map, on, ...(grantable ? { withGrantOption: true } : {}) });
  }

  const spec: RolesFileSpec = { version: 1 };
  if (ignore.size > 0) spec.managed = { ignore: [...ignore].sort(compareText) };
  if (Object.keys(top).length > 0) spec.roles = top;
  if (Object.keys(envRoles).length > 0) spec.environments = { [options.environment!]: { roles: envRoles } };
  if (grants.length > 0) spec.grants = grants;
  if (defaultPrivileges.length > 0) spec.defaultPrivileges = defaultPrivileges;
  const publicRules = publicRulesHolding(live);
  if (publicRules) spec.public = publicRules;
  warnings.push(...ownDefaultsWarnings(live.defaults, rolesKeepingOwnDefaults(spec, names, cluster.applier)));

  const header = [
    `# Generated by pgwarden roles generate from database ${cluster.database}.`,
    '# Login roles have no password here: add password: {env: NAME} and passwordVersion to set one.',
    ...(ignore.size > 0 ? ['# managed.ignore: roles this file leaves alone (superusers, and groups such as the applying user that declared roles join).'] : []),
    '# docs/roles.md describes the format.',
    '',
  ].join('\n');
  return { spec, text: header + stringify(spec, { lineWidth: 0 }), leftOut, warnings };
}

/**
 * A membership that roles.yaml cannot write as it is: granted by several grantors with different
 * options. The file holds one membership per group, so it says `kept`'s options, and a plan
 * revokes the other grants (as it reduces any such membership to one).
 */
function twoGrantorsWarning(kept: LiveMembership, others: LiveMembership[]): string {
  const options = (m: LiveMembership) => `admin ${m.admin}, inherit ${m.inherit}, set ${m.set}`;
  const revokes = others.map((r) => `REVOKE ${ident(r.role)} FROM ${ident(r.member)} GRANTED BY ${ident(r.grantor)}`);
  return (
    `${kept.member}'s membership in ${kept.role} is granted by ${[kept, ...others].map((m) => `${m.grantor} (${options(m)})`).join(' and by ')}: ` +
    `a roles file holds one membership per group, so the file says the options of the grant by ${kept.grantor}, and roles apply will revoke the other${others.length > 1 ? 's' : ''} (${revokes.join('; ')}). ` +
    `If ${kept.member} should have other options in ${kept.role}, change its memberOf entry before applying.`
  );
}

/**
 * A role's own default privileges that a global entry takes away, for the roles the file manages:
 * a roles file cannot say so (it keeps them as Postgres makes them), so the plan grants them back.
 */
function ownDefaultsWarnings(defaults: readonly DefaultPrivilege[], keeping: ReadonlySet<string>): string[] {
  const byEntry = new Map<string, string[]>();
  for (const d of defaults) {
    if (!d.revoked || !keeping.has(d.role)) continue;
    const key = JSON.stringify([d.role, d.objectType]);
    byEntry.set(key, [...(byEntry.get(key) ?? []), d.privilege]);
  }
  return [...byEntry].sort(([a], [b]) => compareText(a, b)).map(([key, privileges]) => {
    const [role, objectType] = JSON.parse(key) as [string, DefaultPrivilege['objectType']];
    const on = defaultKeyword(objectType);
    return (
      `${role} has taken its own ${privileges.join(', ')} away from the ${on.toLowerCase()} it creates later (ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(role)} REVOKE ... ON ${on} FROM ${ident(role)}): ` +
      `a roles file cannot say so (it keeps a role's own default privileges as Postgres makes them), so roles apply will grant them back (ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(role)} GRANT ${privileges.join(', ')} ON ${on} TO ${ident(role)}).`
    );
  });
}

/** The PUBLIC rules that hold in every user schema today, so that generating them changes nothing. */
function publicRulesHolding(live: Awaited<ReturnType<typeof readLiveDatabase>>): RolesFileSpec['public'] | undefined {
  const schemas = live.owners.filter((o) => o.objectType === 'schema').map((o) => o.name).sort(compareText);
  if (schemas.length === 0) return undefined;
  const inSchemas = new Set(schemas);
  const publicGrants = live.grants.filter((g) => g.grantee === 'PUBLIC' && g.objectType !== 'database');
  const noCreate = !publicGrants.some((g) => g.objectType === 'schema' && g.privilege === 'CREATE' && inSchemas.has(g.name));
  const relation = new Set(['table', 'view', 'materialized view', 'foreign table', 'sequence', 'column']);
  const noTables =
    !publicGrants.some((g) => relation.has(g.objectType) && g.schema !== null && inSchemas.has(g.schema)) &&
    !live.defaults.some((d) => d.grantee === 'PUBLIC' && (d.objectType === 'table' || d.objectType === 'sequence') && (d.schema === null || inSchemas.has(d.schema)));
  const noDefiner = !publicGrants.some((g) => (g.objectType === 'function' || g.objectType === 'procedure') && g.privilege === 'EXECUTE' && live.securityDefiner.has(objectKey(g.schema, g.name)));
  if (!noCreate && !noTables && !noDefiner) return undefined;
  return {
    schemas,
    ...(noCreate ? { noCreateOnSchema: true } : {}),
    ...(noTables ? { noTablePrivileges: true } : {}),
    ...(noDefiner ? { noSecurityDefinerExecute: true } : {}),
  };
}
