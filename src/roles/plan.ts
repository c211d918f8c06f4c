import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PrivilegeGrant, PrivilegeObjectType } from '../catalog/privileges.js';
import { compareText } from '../catalog/sort.js';
import { PgwardenError, type Problem } from '../errors.js';
import { expandDesired, joinComment, kindOf, rolesKeepingOwnDefaults, splitComment, type DesiredRole, type DesiredState, type PasswordSource } from './desired.js';
import { readLiveCluster, type LiveCluster, type LiveMembership, type LiveRole } from './live-roles.js';
import { objectKey, readLiveDatabase, type LiveDatabase } from './live-database.js';
import { chunks, defaultKeyword, grantee as granteeSql, grantKeyword, ident, LIST_SETTINGS, listElements, literal, objectSql, REDACTED, resetSettingSql, setSettingSql } from './sql.js';
import type { RolesFile, SpecLocation } from './types.js';
import { untouchableReason } from './untouchable.js';
import { validUntilInstant } from './validate.js';

/** The groups of a plan, in the order they run. */
export const CHANGE_GROUPS = ['create-roles', 'alter-roles', 'memberships', 'grants', 'default-privileges', 'revokes', 'drops'] as const;
export type ChangeGroup = (typeof CHANGE_GROUPS)[number];

/** One statement of a plan, with why it is there. */
export interface RoleChange {
  group: ChangeGroup;
  /** The database it runs in. */
  database: string;
  /** The statement as shown; a password appears as `<redacted>`. */
  sql: string;
  /** Why: the roles.yaml line that asks for it, or what on the server differs. */
  reason: string;
  /** For statements that set a password: where `<redacted>` stands in `sql` and where the password comes from. */
  password?: { role: string; source: PasswordSource; version: string; at: number };
}

/** What `roles plan` shows and `roles apply` runs. Changes nothing by itself. */
export interface RolesPlan {
  database: string;
  environment: string | undefined;
  serverVersionNum: number;
  changes: RoleChange[];
  /** Managed roles (by managed.roles or a prefix) that the file does not declare for this environment. */
  undeclared: string[];
  /** Things skipped, such as objects the file names that do not exist yet. */
  warnings: string[];
  /** Identifies the plan's statements, to check at apply time that nothing changed since it was shown. */
  fingerprint: string;
}

export interface PlanOptions {
  /** The environment whose login roles apply (`environments.<name>.roles`). */
  environment?: string | undefined;
  /** `--allow-superuser`: without it, a role with superuser: true is refused. */
  allowSuperuser?: boolean | undefined;
}

/**
 * Reads the cluster's roles and memberships and the database's ACLs and default privileges, and
 * returns the statements that make them match the roles file. Changes nothing. Throws
 * `ROLES_INVALID` (exit 2) when the file cannot be planned here (an undeclared role referenced,
 * superuser without the flag, a membership option the server lacks).
 *
 * @example
 * const plan = await planRoles(client, loadRolesFile('schema/roles.yaml'), { environment: 'prod' });
 * if (plan.changes.length === 0) console.log('roles match');
 */
export async function planRoles(client: pg.ClientBase, rolesFile: RolesFile, options: PlanOptions = {}): Promise<RolesPlan> {
  const cluster = await readLiveCluster(client);
  const columnTables = (rolesFile.spec.grants ?? []).flatMap((g) => Object.keys(g.columns ?? {}).map((name) => ({ schema: g.schema, name })));
  const database = await readLiveDatabase(client, columnTables);
  return computePlan(rolesFile, cluster, database, options);
}

/** The plan from states already read (see {@link planRoles}). Pure. */
export function computePlan(rolesFile: RolesFile, cluster: LiveCluster, live: LiveDatabase, options: PlanOptions = {}): RolesPlan {
  const desired = expandDesired(rolesFile, options.environment, live);
  const builder = new PlanBuilder(rolesFile, cluster, live, desired, options);
  builder.build();
  if (builder.problems.length > 0) {
    throw new PgwardenError(
      'ROLES_INVALID',
      `${rolesFile.file} cannot be planned against ${cluster.database}: fix each problem listed. Nothing was applied.`,
      { problems: builder.problems },
    );
  }
  const order = new Map(CHANGE_GROUPS.map((g, i) => [g, i]));
  const changes = builder.changes.map((c, i) => ({ c, i })).sort((a, b) => order.get(a.c.group)! - order.get(b.c.group)! || a.i - b.i).map((x) => x.c);
  const fingerprint = createHash('sha256').update(JSON.stringify(changes.map((c) => [c.group, c.database, c.sql]))).digest('hex');
  return {
    database: cluster.database,
    environment: options.environment,
    serverVersionNum: cluster.serverVersionNum,
    changes,
    undeclared: builder.undeclared,
    warnings: [...environmentWarnings(rolesFile, options.environment), ...desired.warnings],
    fingerprint,
  };
}

type PrivilegeSet = Map<string, { grantable: boolean; origin?: SpecLocation }>;

interface ObjectRef {
  objectType: PrivilegeObjectType;
  schema: string | null;
  name: string;
  column?: string | undefined;
}

const RELATION_TYPES: ReadonlySet<PrivilegeObjectType> = new Set(['table', 'view', 'materialized view', 'foreign table', 'sequence']);
const SEP = '\u0000';
const refKey = (r: ObjectRef) => r.objectType + SEP + (r.schema ?? '') + SEP + r.name + SEP + (r.column ?? '');

class PlanBuilder {
  readonly changes: RoleChange[] = [];
  readonly problems: Problem[] = [];
  undeclared: string[] = [];
  private readonly liveRoles: Map<string, LiveRole>;
  private readonly managed: Set<string>;
  private readonly pg16: boolean;
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly rolesFile: RolesFile,
    private readonly cluster: LiveCluster,
    private readonly live: LiveDatabase,
    private readonly desired: DesiredState,
    private readonly options: PlanOptions,
  ) {
    this.liveRoles = new Map(cluster.roles.map((r) => [r.name, r]));
    this.managed = new Set(desired.roles.keys());
    this.pg16 = cluster.serverVersionNum >= 160000;
    for (const o of live.owners) {
      const type = RELATION_TYPES.has(o.objectType) ? 'relation' : o.objectType;
      this.owners.set(`${type}\u0000${objectKey(o.schema, o.name)}`, o.owner);
    }
    this.problems.push(...desired.problems);
  }

  private problem(location: SpecLocation, message: string): void {
    this.problems.push({ file: this.rolesFile.file, ...(location.line !== undefined ? { line: location.line, column: location.column } : {}), path: location.path, message });
  }

  private add(group: ChangeGroup, sql: string, reason: string, extra: Partial<RoleChange> = {}, database = this.cluster.database): void {
    this.changes.push({ group, database, sql, reason, ...extra });
  }

  private readonly whereCache = new Map<SpecLocation, string>();

  private where(location: SpecLocation | undefined): string {
    const file = this.rolesFile.file.split('/').pop();
    if (!location) return `${file}`;
    let text = this.whereCache.get(location);
    if (text === undefined) this.whereCache.set(location, (text = `${file}${location.line ? `:${location.line}` : ''} (${location.path})`));
    return text;
  }

  private exists(role: string): boolean {
    return this.liveRoles.has(role) || this.desired.roles.has(role);
  }

  build(): void {
    for (const role of this.desired.roles.values()) this.checkRole(role);
    this.checkDefaults();
    if (this.problems.length > 0) return;
    for (const role of this.desired.roles.values()) this.planRole(role);
    for (const role of this.desired.roles.values()) this.planMemberships(role);
    this.planGrants();
    this.planDefaults();
    this.planOwnDefaults();
    this.planPublic();
    this.planUndeclared();
  }

  private checkRole(role: DesiredRole): void {
    const reason = untouchableReason(role.name, { applier: this.cluster.applier, ignore: this.rolesFile.spec.managed?.ignore });
    if (reason) this.problem(role.location, `role ${JSON.stringify(role.name)} cannot be managed: ${reason}`);
    if (role.superuser && !this.options.allowSuperuser) {
      this.problem(this.rolesFile.locate([...role.location.path.split('.'), 'superuser']), `role ${JSON.stringify(role.name)} asks for superuser: pass --allow-superuser to allow it`);
    }
    for (const m of role.memberships) {
      if (!this.exists(m.role)) this.problem(m.location, `role ${JSON.stringify(role.name)} is to join ${JSON.stringify(m.role)}, which neither exists nor is declared for this environment`);
      if (!this.pg16) {
        if (m.inherit !== undefined && m.inherit !== role.inherit) {
          this.problem(m.location, `Postgres ${Math.floor(this.cluster.serverVersionNum / 10000)} has no per-membership INHERIT: set the role's own "inherit: ${m.inherit}" instead (it then applies to all its memberships)`);
        }
        if (m.set === false) this.problem(m.location, `Postgres ${Math.floor(this.cluster.serverVersionNum / 10000)} has no SET option on memberships (it came in 16): remove "set: false"`);
      }
    }
  }

  private checkDefaults(): void {
    const reported = new Set<string>();
    for (const d of this.desired.defaults) {
      if (this.exists(d.role) || reported.has(d.role)) continue;
      reported.add(d.role);
      this.problem(d.origin, `default privileges for objects created by ${JSON.stringify(d.role)}, which neither exists nor is declared`);
    }
  }

  private attributeOptions(role: DesiredRole, live: LiveRole | undefined): string[] {
    const opts: string[] = [];
    const flag = (want: boolean, have: boolean | undefined, on: string, off: string, dflt: boolean) => {
      if (live ? want !== have : want !== dflt) opts.push(want ? on : off);
    };
    flag(role.superuser, live?.superuser, 'SUPERUSER', 'NOSUPERUSER', false);
    flag(role.login, live?.login, 'LOGIN', 'NOLOGIN', false);
    flag(role.createdb, live?.createdb, 'CREATEDB', 'NOCREATEDB', false);
    flag(role.createrole, live?.createrole, 'CREATEROLE', 'NOCREATEROLE', false);
    flag(role.inherit, live?.inherit, 'INHERIT', 'NOINHERIT', true);
    flag(role.replication, live?.replication, 'REPLICATION', 'NOREPLICATION', false);
    flag(role.bypassrls, live?.bypassrls, 'BYPASSRLS', 'NOBYPASSRLS', false);
    if (live ? role.connectionLimit !== live.connectionLimit : role.connectionLimit !== -1) opts.push(`CONNECTION LIMIT ${role.connectionLimit}`);
    // Sent as a UTC instant: a literal without a zone would be read in the session's time zone.
    if (!sameValidUntil(role.validUntil, live?.validUntil ?? null)) opts.push(`VALID UNTIL ${literal(role.validUntil === null || role.validUntil === 'infinity' ? 'infinity' : new Date(validUntilInstant(role.validUntil)).toISOString())}`);
    return opts;
  }

  private planRole(role: DesiredRole): void {
    const live = this.liveRoles.get(role.name);
    const name = ident(role.name);
    const liveComment = splitComment(live?.comment ?? null);
    const setPassword = role.password !== undefined && role.password.version !== liveComment.passwordVersion;
    const opts = this.attributeOptions(role, live);
    const where = this.where(role.location);
    const passwordExtra = (sql: string): Partial<RoleChange> =>
      setPassword ? { password: { role: role.name, source: role.password!.source, version: role.password!.version, at: sql.lastIndexOf(REDACTED) } } : {};
    if (!live) {
      const sql = `CREATE ROLE ${name}${opts.length || setPassword ? ' WITH ' : ''}${[...opts, ...(setPassword ? [`PASSWORD ${REDACTED}`] : [])].join(' ')}`;
      this.add('create-roles', sql, `declared in ${where}`, passwordExtra(sql));
    } else {
      if (opts.length > 0) this.add('alter-roles', `ALTER ROLE ${name} WITH ${opts.join(' ')}`, `attributes differ from ${where}`);
      if (setPassword) {
        const sql = `ALTER ROLE ${name} WITH PASSWORD ${REDACTED}`;
        const why = liveComment.passwordVersion === undefined ? 'no password version applied yet' : `password version ${liveComment.passwordVersion} applied`;
        this.add('alter-roles', sql, `passwordVersion ${role.password!.version} in ${where}, ${why}`, passwordExtra(sql));
      }
    }
    // Setting names are case-insensitive (Postgres stores `timezone` as TimeZone): compare them in lower case.
    const liveSettings = new Map(Object.entries(live?.settings ?? {}).map(([key, value]) => [key.toLowerCase(), { key, value }]));
    for (const [key, value] of Object.entries(role.settings)) {
      const have = liveSettings.get(key)?.value;
      if (have === undefined || !sameSetting(key, value, have)) {
        this.add(live ? 'alter-roles' : 'create-roles', setSettingSql(role.name, key, value), `setting ${key} ${have === undefined ? 'not set' : `is ${JSON.stringify(have)}`}, ${where} wants ${JSON.stringify(Array.isArray(value) ? value.join(', ') : value)}`);
      }
    }
    for (const [lower, { key }] of liveSettings) {
      if (!(lower in role.settings)) this.add('alter-roles', resetSettingSql(role.name, key), `setting ${key} is not in ${where}`);
    }
    const wantComment = joinComment(role.comment, role.password?.version ?? liveComment.passwordVersion);
    if ((live?.comment ?? null) !== wantComment) {
      this.add(live ? 'alter-roles' : 'create-roles', `COMMENT ON ROLE ${name} IS ${wantComment === null ? 'NULL' : literal(wantComment)}`, setPassword && live ? `records password version ${role.password!.version}` : `comment ${live ? 'differs from' : 'from'} ${where}`);
    }
  }

  private membershipGrantSql(role: string, member: string, admin: boolean, inherit: boolean, set: boolean): string {
    if (this.pg16) return `GRANT ${ident(role)} TO ${ident(member)} WITH ADMIN ${admin ? 'TRUE' : 'FALSE'}, INHERIT ${inherit ? 'TRUE' : 'FALSE'}, SET ${set ? 'TRUE' : 'FALSE'}`;
    return `GRANT ${ident(role)} TO ${ident(member)}${admin ? ' WITH ADMIN OPTION' : ''}`;
  }

  private planMemberships(role: DesiredRole): void {
    const liveRows = this.cluster.memberships.filter((m) => m.member === role.name);
    const effectiveGrantor = this.cluster.applierIsSuperuser ? this.cluster.bootstrapSuperuser : this.cluster.applier;
    const wanted = new Set<string>();
    for (const m of role.memberships) {
      wanted.add(m.role);
      const rows = liveRows.filter((r) => r.role === m.role);
      const inherit = m.inherit ?? role.inherit;
      const set = m.set ?? true;
      const where = this.where(m.location);
      const grantSql = this.membershipGrantSql(m.role, role.name, m.admin, inherit, set);
      const same = (r: LiveMembership) => r.admin === m.admin && (!this.pg16 || (r.inherit === inherit && r.set === set));
      if (rows.length === 0) {
        this.add('memberships', grantSql, `${where}: ${role.name} is a member of ${m.role}`);
        continue;
      }
      if (!this.pg16) {
        const row = rows[0]!;
        if (row.admin !== m.admin) {
          if (m.admin) this.add('memberships', grantSql, `${where}: ${role.name} administers ${m.role}`);
          else this.add('revokes', `REVOKE ADMIN OPTION FOR ${ident(m.role)} FROM ${ident(role.name)}`, `${where}: no admin option on ${m.role}`);
        }
        continue;
      }
      // Grants of the membership by several grantors are all kept when their options agree.
      if (rows.every(same)) continue;
      const ours = rows.find((r) => r.grantor === effectiveGrantor);
      if (ours ? !same(ours) : !rows.some(same)) this.add('memberships', grantSql, `${where}: membership options of ${role.name} in ${m.role} differ (admin ${m.admin}, inherit ${inherit}, set ${set})`);
      for (const r of rows) {
        if (r !== ours && !same(r)) this.add('revokes', `REVOKE ${ident(m.role)} FROM ${ident(role.name)} GRANTED BY ${ident(r.grantor)}`, `a second grant of ${m.role} to ${role.name}, by ${r.grantor}, with other options`);
      }
    }
    for (const r of liveRows) {
      if (wanted.has(r.role)) continue;
      const sql = this.pg16 ? `REVOKE ${ident(r.role)} FROM ${ident(role.name)} GRANTED BY ${ident(r.grantor)}` : `REVOKE ${ident(r.role)} FROM ${ident(role.name)}`;
      if (this.changes.some((c) => c.sql === sql)) continue;
      this.add('revokes', sql, `${role.name} is a member of ${r.role}, which ${this.where(role.location)} does not list`);
    }
  }

  private ownerOf(ref: ObjectRef): string | undefined {
    const type = ref.objectType === 'column' || RELATION_TYPES.has(ref.objectType) ? 'relation' : ref.objectType;
    return this.owners.get(`${type}\u0000${objectKey(ref.schema, ref.name)}`);
  }

  private planGrants(): void {
    // One flat map per side, keyed by object and grantee: the hot path of a plan over thousands of objects.
    interface Held {
      ref: ObjectRef;
      grantee: string;
      /** Privileges, with whether each is grantable at the same index. */
      names: string[];
      grantable: boolean[];
      origin: SpecLocation | undefined;
    }
    const want = new Map<string, Held>();
    const have = new Map<string, Held>();
    const put = (into: Map<string, Held>, ref: ObjectRef, grantee: string, privileges: readonly string[], grantable: boolean, origin?: SpecLocation) => {
      const key = refKey(ref) + SEP + grantee;
      const held = into.get(key);
      if (!held) {
        into.set(key, { ref, grantee, names: [...privileges], grantable: privileges.map(() => grantable), origin });
        return;
      }
      for (const privilege of privileges) {
        const at = held.names.indexOf(privilege);
        if (at < 0) {
          held.names.push(privilege);
          held.grantable.push(grantable);
        } else if (grantable) held.grantable[at] = true;
      }
    };
    for (const g of this.desired.grants) put(want, g, g.grantee, g.privileges, g.grantable, g.origin);
    const wantsGrantable = (ref: ObjectRef, grantee: string, privilege: string) => {
      const w = want.get(refKey(ref) + SEP + grantee);
      const at = w ? w.names.indexOf(privilege) : -1;
      return at >= 0 && w!.grantable[at]!;
    };
    // A privilege granted by a role other than the owner (through its grant option) lasts only as
    // long as that grant option: it counts as held when the grantor keeps the option after the plan.
    const keepsOption = (ref: ObjectRef, grantor: string, privilege: string) => grantor === this.ownerOf(ref) || !this.managed.has(grantor) || wantsGrantable(ref, grantor, privilege);
    // Who granted what onward, per object and privilege: revoking from a grantor needs CASCADE.
    const onward = new Set<string>();
    const byGrantor = new Map<string, string>();
    for (const g of this.live.grants) {
      if (g.objectType === 'database' || g.grantor === this.ownerOf(g)) continue;
      onward.add(refKey(g) + SEP + g.privilege + SEP + g.grantor);
      byGrantor.set(refKey(g) + SEP + g.privilege + SEP + g.grantee, g.grantor);
    }
    const liveGrants: Array<{ key: string; ref: ObjectRef; grantee: string; grantor: string; privilege: string; grantable: boolean }> = [];
    for (const g of this.live.grants) {
      if (!this.managed.has(g.grantee) || g.objectType === 'database') continue;
      if (g.grantee === this.ownerOf(g)) continue;
      const key = refKey(g) + SEP + g.grantee;
      liveGrants.push({ key, ref: g, grantee: g.grantee, grantor: g.grantor, privilege: g.privilege, grantable: g.grantable });
      if (!keepsOption(g, g.grantor, g.privilege)) continue;
      const held = have.get(key);
      if (!held) have.set(key, { ref: g, grantee: g.grantee, names: [g.privilege], grantable: [g.grantable], origin: undefined });
      else {
        // The same privilege from two grantors counts once, grantable if either grant is.
        const at = held.names.indexOf(g.privilege);
        if (at < 0) {
          held.names.push(g.privilege);
          held.grantable.push(g.grantable);
        } else if (g.grantable) held.grantable[at] = true;
      }
    }
    const batches = new PrivilegeBatches();
    // REVOKE on a table also takes the same privilege away from each of its columns.
    const tableRevokes = new Set<string>();
    const revokeKey = (schema: string | null, name: string, grantee: string, privilege: string) => `${schema ?? ''}${SEP}${name}${SEP}${grantee}${SEP}${privilege}`;
    for (const [key, wanted] of want) {
      const held = have.get(key);
      const plain: string[] = [];
      const withOption: string[] = [];
      wanted.names.forEach((privilege, i) => {
        const at = held ? held.names.indexOf(privilege) : -1;
        if (at < 0 && !wanted.grantable[i]) plain.push(privilege);
        else if (wanted.grantable[i] && (at < 0 || !held!.grantable[at])) withOption.push(privilege);
      });
      const why = wanted.origin ? this.where(wanted.origin) : '';
      if (plain.length) batches.add('grant', wanted.ref, wanted.grantee, plain, false, why);
      if (withOption.length) batches.add('grant', wanted.ref, wanted.grantee, withOption, true, why);
    }
    // Each grant is revoked by the role that made it (a superuser's REVOKE acts as the owner and
    // only removes the owner's grants), deepest in a chain of grant options first, with CASCADE
    // where the grantee granted the privilege onward.
    const depth = (ref: ObjectRef, privilege: string, grantor: string) => {
      let n = 0;
      for (let at: string | undefined = grantor; at !== undefined && n < 20; n++) at = byGrantor.get(refKey(ref) + SEP + privilege + SEP + at);
      return n;
    };
    for (const g of liveGrants) {
      const wanted = want.get(g.key);
      const at = wanted ? wanted.names.indexOf(g.privilege) : -1;
      const ownerGrant = g.grantor === this.ownerOf(g.ref);
      const revoker = ownerGrant ? undefined : { grantor: g.grantor, depth: depth(g.ref, g.privilege, g.grantor) };
      const cascade = onward.has(refKey(g.ref) + SEP + g.privilege + SEP + g.grantee);
      const by = ownerGrant ? '' : ` (granted by ${g.grantor})`;
      if (at < 0) {
        batches.add('revoke', g.ref, g.grantee, [g.privilege], false, `not granted by roles.yaml${by}`, revoker, cascade);
        if (g.ref.objectType !== 'column') tableRevokes.add(revokeKey(g.ref.schema, g.ref.name, g.grantee, g.privilege));
      } else if (g.grantable && !wanted!.grantable[at]) {
        batches.add('revoke-option', g.ref, g.grantee, [g.privilege], false, `roles.yaml grants it without grant option${by}`, revoker, cascade);
      }
      // A wanted privilege from a grantor that loses its grant option goes with it (CASCADE); the
      // owner's grant planned above replaces it.
    }
    // PUBLIC's privileges that the public block takes away, when a role other than the owner granted
    // them (through its grant option): revoked as that role, in order with the revokes above.
    for (const g of this.live.grants) {
      if (g.grantee !== 'PUBLIC' || g.objectType === 'database' || g.grantor === this.ownerOf(g)) continue;
      const rule = this.publicRule(g);
      if (rule) batches.add('revoke', g, 'PUBLIC', [g.privilege], false, `${rule} (granted by ${g.grantor})`, { grantor: g.grantor, depth: depth(g, g.privilege, g.grantor) });
    }
    for (const s of batches.statements()) this.add(s.op === 'grant' ? 'grants' : 'revokes', s.sql, s.reason);
    if (tableRevokes.size === 0) return;
    const regrants = new PrivilegeBatches();
    for (const g of this.desired.grants) {
      if (g.objectType !== 'column') continue;
      const again = g.privileges.filter((privilege) => tableRevokes.has(revokeKey(g.schema, g.name, g.grantee, privilege)));
      if (again.length) regrants.add('grant', g, g.grantee, again, g.grantable, 'the table-level REVOKE above also removes column privileges: grant them again');
    }
    for (const s of regrants.statements()) this.add('revokes', s.sql, s.reason);
  }

  private planDefaults(): void {
    type Key = string;
    const keyOf = (d: { role: string; schema: string | null; objectType: string; grantee: string }) => JSON.stringify([d.role, d.schema, d.objectType, d.grantee]);
    const want = new Map<Key, PrivilegeSet>();
    const have = new Map<Key, PrivilegeSet>();
    const schemas = new Set(this.live.owners.filter((o) => o.objectType === 'schema').map((o) => o.name));
    for (const d of this.desired.defaults) {
      if (d.schema !== null && !schemas.has(d.schema)) {
        const note = `${this.where(d.origin)}: schema "${d.schema}" does not exist (yet): default privileges skipped`;
        if (!this.desired.warnings.includes(note)) this.desired.warnings.push(note);
        continue;
      }
      const set = want.get(keyOf(d)) ?? new Map();
      set.set(d.privilege, { grantable: d.grantable || (set.get(d.privilege)?.grantable ?? false), origin: d.origin });
      want.set(keyOf(d), set);
    }
    for (const d of this.live.defaults) {
      if (!this.managed.has(d.grantee) || d.grantee === d.role) continue;
      const set = have.get(keyOf(d)) ?? new Map();
      set.set(d.privilege, { grantable: d.grantable });
      have.set(keyOf(d), set);
    }
    for (const key of [...new Set([...want.keys(), ...have.keys()])].sort(compareText)) {
      const [role, schema, objectType, grantee] = JSON.parse(key) as [string, string | null, 'table' | 'sequence' | 'function' | 'type' | 'schema', string];
      const w = want.get(key) ?? new Map();
      const h = have.get(key) ?? new Map();
      const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(role)}${schema !== null ? ` IN SCHEMA ${ident(schema)}` : ''}`;
      const on = defaultKeyword(objectType);
      const grantPlain = [...w].filter(([p, v]) => !v.grantable && !h.has(p)).map(([p]) => p);
      const grantOption = [...w].filter(([p, v]) => v.grantable && !h.get(p)?.grantable).map(([p]) => p);
      const revoke = [...h.keys()].filter((p) => !w.has(p));
      const revokeOption = [...h].filter(([p, v]) => v.grantable && w.has(p) && !w.get(p).grantable).map(([p]) => p);
      const origin = [...w.values()][0]?.origin;
      const what = `future ${on.toLowerCase()} created by ${role}${schema !== null ? ` in ${schema}` : ''}`;
      if (grantPlain.length) this.add('default-privileges', `${prefix} GRANT ${grantPlain.join(', ')} ON ${on} TO ${ident(grantee)}`, `${this.where(origin)}: ${grantee} gets ${grantPlain.join(', ')} on ${what}`);
      if (grantOption.length) this.add('default-privileges', `${prefix} GRANT ${grantOption.join(', ')} ON ${on} TO ${ident(grantee)} WITH GRANT OPTION`, `${this.where(origin)}: ${grantee} gets ${grantOption.join(', ')} with grant option on ${what}`);
      if (revoke.length) this.add('revokes', `${prefix} REVOKE ${revoke.join(', ')} ON ${on} FROM ${ident(grantee)}`, `default privileges on ${what} not in roles.yaml`);
      if (revokeOption.length) this.add('revokes', `${prefix} REVOKE GRANT OPTION FOR ${revokeOption.join(', ')} ON ${on} FROM ${ident(grantee)}`, `roles.yaml grants these without grant option`);
    }
  }

  /**
   * A role's own default privileges that a global entry took away (`ALTER DEFAULT PRIVILEGES FOR
   * ROLE x REVOKE ALL ON TABLES FROM x`: what x creates later gives x nothing): the file cannot say
   * so, and keeps them as Postgres makes them, so they are granted back for the roles it manages.
   */
  private planOwnDefaults(): void {
    const keeping = rolesKeepingOwnDefaults(this.rolesFile.spec, this.desired.roles.keys(), this.cluster.applier);
    const byEntry = new Map<string, string[]>();
    for (const d of this.live.defaults) {
      if (!d.revoked || !keeping.has(d.role)) continue;
      const key = JSON.stringify([d.role, d.objectType]);
      byEntry.set(key, [...(byEntry.get(key) ?? []), d.privilege]);
    }
    for (const [key, privileges] of [...byEntry].sort(([a], [b]) => compareText(a, b))) {
      const [role, objectType] = JSON.parse(key) as [string, 'table' | 'sequence' | 'function' | 'type' | 'schema'];
      const on = defaultKeyword(objectType);
      const declared = this.desired.roles.get(role);
      this.add(
        'default-privileges',
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(role)} GRANT ${privileges.join(', ')} ON ${on} TO ${ident(role)}`,
        `${role} holds no ${privileges.join(', ')} on the ${on.toLowerCase()} it creates later (a global ALTER DEFAULT PRIVILEGES took its own away); ${declared ? this.where(declared.location) : this.where(undefined)} keeps a role's own default privileges as Postgres makes them`,
      );
    }
  }

  /** The rule of the public block that takes this privilege of PUBLIC away (as the reason to show), if any. */
  private publicRule(g: PrivilegeGrant): string | undefined {
    const rules = this.rolesFile.spec.public;
    if (!rules) return undefined;
    const schema = g.objectType === 'schema' ? g.name : g.schema;
    if (schema === null || !rules.schemas.includes(schema)) return undefined;
    const where = this.where(this.rolesFile.locate(['public']));
    if (rules.noCreateOnSchema && g.objectType === 'schema' && g.privilege === 'CREATE') return `${where}: noCreateOnSchema`;
    if (rules.noTablePrivileges && (RELATION_TYPES.has(g.objectType) || g.objectType === 'column')) return `${where}: noTablePrivileges`;
    if (rules.noSecurityDefinerExecute && (g.objectType === 'function' || g.objectType === 'procedure') && g.privilege === 'EXECUTE' && this.live.securityDefiner.has(objectKey(g.schema, g.name))) {
      return `${where}: noSecurityDefinerExecute (a SECURITY DEFINER routine)`;
    }
    return undefined;
  }

  private planPublic(): void {
    const rules = this.rolesFile.spec.public;
    if (!rules) return;
    const schemas = new Set(rules.schemas);
    const where = this.where(this.rolesFile.locate(['public']));
    const batches = new PrivilegeBatches();
    // The owner's grants to PUBLIC; those another role made are revoked as that role (planGrants).
    for (const g of this.live.grants) {
      if (g.grantee !== 'PUBLIC' || g.objectType === 'database' || g.grantor !== this.ownerOf(g)) continue;
      const rule = this.publicRule(g);
      if (rule) batches.add('revoke', g, 'PUBLIC', [g.privilege], false, rule);
    }
    for (const s of batches.statements()) this.add('revokes', s.sql, s.reason);
    if (rules.noTablePrivileges) {
      const byKey = new Map<string, string[]>();
      for (const d of this.live.defaults) {
        if (d.grantee !== 'PUBLIC' || (d.objectType !== 'table' && d.objectType !== 'sequence')) continue;
        if (d.schema !== null && !schemas.has(d.schema)) continue;
        const key = JSON.stringify([d.role, d.schema, d.objectType]);
        byKey.set(key, [...(byKey.get(key) ?? []), d.privilege]);
      }
      for (const [key, privileges] of [...byKey].sort(([a], [b]) => compareText(a, b))) {
        const [role, schema, objectType] = JSON.parse(key) as [string, string | null, 'table' | 'sequence'];
        this.add(
          'revokes',
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(role)}${schema !== null ? ` IN SCHEMA ${ident(schema)}` : ''} REVOKE ${privileges.join(', ')} ON ${defaultKeyword(objectType)} FROM PUBLIC`,
          `${where}: noTablePrivileges (future ${objectType}s created by ${role})`,
        );
      }
    }
  }

  private planUndeclared(): void {
    const managed = this.rolesFile.spec.managed ?? {};
    const listed = new Set(managed.roles ?? []);
    const prefixes = managed.prefixes ?? [];
    this.undeclared = this.cluster.roles
      .map((r) => r.name)
      .filter((name) => !this.desired.roles.has(name))
      .filter((name) => listed.has(name) || prefixes.some((p) => name.startsWith(p)))
      .filter((name) => !untouchableReason(name, { applier: this.cluster.applier, ignore: managed.ignore }));
    if (!managed.dropUndeclared || this.undeclared.length === 0) return;
    // Without the environment's block, the login roles of every environment look undeclared:
    // dropping them because --env was left out (or names no environment of the file) is refused.
    const environments = this.rolesFile.spec.environments ?? {};
    const env = this.options.environment;
    if (env === undefined || !environments[env]) {
      const inEnvironments = this.undeclared.filter((name) => Object.values(environments).some((block) => block.roles?.[name] !== undefined));
      if (inEnvironments.length > 0) {
        const names = Object.keys(environments);
        this.problem(
          this.rolesFile.locate(['managed', 'dropUndeclared']),
          `${env === undefined ? 'no environment chosen (--env)' : `the file has no environments.${env}`}: dropUndeclared would drop ${inEnvironments.map((n) => JSON.stringify(n)).join(', ')}, which the file declares under environments (${names.join(', ')}). Pass --env ${names.join('|')}${env === undefined ? '' : `, or add environments.${env} (it may be empty: "${env}: {}")`}`,
        );
        return;
      }
    }
    const heir = managed.reassignOwnedTo ?? this.cluster.applier;
    if (this.undeclared.includes(heir) || !this.exists(heir)) {
      this.problem(this.rolesFile.locate(['managed', 'reassignOwnedTo']), `objects of dropped roles would go to ${JSON.stringify(heir)}, which ${this.undeclared.includes(heir) ? 'is itself to be dropped' : 'does not exist'}`);
      return;
    }
    const others = this.cluster.databases.filter((d) => d !== this.cluster.database);
    for (const role of this.undeclared) {
      for (const database of [...others, this.cluster.database]) {
        const why = `${role} is managed but not declared (managed.dropUndeclared is on): first hand what it owns in ${database} to ${heir}`;
        this.add('drops', `REASSIGN OWNED BY ${ident(role)} TO ${ident(heir)}`, why, {}, database);
        this.add('drops', `DROP OWNED BY ${ident(role)}`, `then remove its privileges in ${database}`, {}, database);
      }
      this.add('drops', `DROP ROLE ${ident(role)}`, `${role} is managed but not declared (managed.dropUndeclared is on)`);
    }
  }
}

/** Login roles live under environments: say so when none of them applies to this plan. */
function environmentWarnings(rolesFile: RolesFile, environment: string | undefined): string[] {
  const declared = Object.keys(rolesFile.spec.environments ?? {});
  if (declared.length === 0) return [];
  if (environment === undefined) return [`no environment chosen (--env): the roles under environments (${declared.join(', ')}) are left out of this plan`];
  if (!declared.includes(environment)) return [`the roles file has no environments.${environment}: only its top-level roles apply (it declares ${declared.join(', ')})`];
  return [];
}

function sameValidUntil(want: string | null, have: string | null): boolean {
  const norm = (v: string | null) => (v === null || v === 'infinity' ? 'infinity' : String(validUntilInstant(v)));
  return norm(want) === norm(have);
}

function sameSetting(name: string, want: string | string[], have: string): boolean {
  if (LIST_SETTINGS.has(name)) return JSON.stringify(listElements(want)) === JSON.stringify(listElements(have));
  return want === have;
}

/** The role that made a grant through its grant option, and how deep in the chain from the owner it is. */
interface Revoker {
  grantor: string;
  depth: number;
}

/**
 * A REVOKE as the role that made the grant: Postgres only lets a grant's grantor revoke it
 * (`GRANTED BY` must name the current user), so it runs under SET ROLE to that role.
 */
function revokeSql(revoke: string, revoker: Revoker | undefined, cascade: boolean): string {
  const sql = `${revoke}${cascade ? ' CASCADE' : ''}`;
  return revoker ? `SET ROLE ${ident(revoker.grantor)}; ${sql}; RESET ROLE` : sql;
}

/**
 * Collects single privilege changes and writes as few statements as read well: one per grantee,
 * kind, schema and privilege list, naming up to 100 objects; column privileges per table.
 */
class PrivilegeBatches {
  private readonly byObject = new Map<string, { op: 'grant' | 'revoke' | 'revoke-option'; ref: ObjectRef; grantee: string; grantable: boolean; privileges: string[]; reasons: string[]; revoker: Revoker | undefined; cascade: boolean }>();

  /**
   * `revoker`: the role that made the grant, when it is not the owner (the statement runs under
   * SET ROLE to it). `cascade`: the grantee granted the privilege onward.
   */
  add(op: 'grant' | 'revoke' | 'revoke-option', ref: ObjectRef, grantee: string, privileges: readonly string[], grantable: boolean, reason: string, revoker?: Revoker, cascade = false): void {
    const key = op + SEP + grantee + SEP + (grantable ? '1' : '0') + SEP + (revoker?.grantor ?? '') + SEP + (cascade ? '1' : '0') + SEP + refKey(ref);
    const entry = this.byObject.get(key);
    if (!entry) {
      this.byObject.set(key, { op, ref, grantee, grantable, privileges: [...privileges], reasons: reason ? [reason] : [], revoker, cascade });
      return;
    }
    for (const privilege of privileges) if (!entry.privileges.includes(privilege)) entry.privileges.push(privilege);
    if (reason && !entry.reasons.includes(reason)) entry.reasons.push(reason);
  }

  statements(): Array<{ op: 'grant' | 'revoke' | 'revoke-option'; sql: string; reason: string }> {
    const groups = new Map<string, { op: 'grant' | 'revoke' | 'revoke-option'; grantee: string; grantable: boolean; keyword: string; privileges: string; objects: string[]; labels: string[]; reasons: Set<string>; kind: string; schema: string | null; revoker: Revoker | undefined; cascade: boolean }>();
    // Column privileges are written per table: GRANT SELECT (a, b) ON TABLE t.
    const columns = new Map<string, { op: 'grant' | 'revoke' | 'revoke-option'; ref: ObjectRef; grantee: string; grantable: boolean; byPrivilege: Map<string, string[]>; reasons: Set<string>; revoker: Revoker | undefined; cascade: boolean }>();
    for (const e of this.byObject.values()) {
      const privileges = e.privileges.sort(compareText);
      if (e.ref.objectType === 'column') {
        const key = JSON.stringify([e.op, e.grantee, e.grantable, e.ref.schema, e.ref.name, e.revoker?.grantor ?? null, e.cascade]);
        let c = columns.get(key);
        if (!c) columns.set(key, (c = { op: e.op, ref: e.ref, grantee: e.grantee, grantable: e.grantable, byPrivilege: new Map(), reasons: new Set(), revoker: e.revoker, cascade: e.cascade }));
        for (const p of privileges) c.byPrivilege.set(p, [...(c.byPrivilege.get(p) ?? []), e.ref.column!]);
        for (const r of e.reasons) c.reasons.add(r);
        continue;
      }
      const keyword = grantKeyword(e.ref.objectType);
      const key = e.op + SEP + e.grantee + SEP + (e.grantable ? '1' : '0') + SEP + keyword + SEP + (e.ref.schema ?? '') + SEP + privileges.join(',') + SEP + (e.revoker?.grantor ?? '') + SEP + (e.cascade ? '1' : '0');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { op: e.op, grantee: e.grantee, grantable: e.grantable, keyword, privileges: privileges.join(', '), objects: [], labels: [], reasons: new Set(), kind: kindOf(e.ref.objectType) ?? e.ref.objectType, schema: e.ref.schema, revoker: e.revoker, cascade: e.cascade }));
      g.objects.push(objectSql(e.ref.objectType, e.ref.schema, e.ref.name));
      g.labels.push(e.ref.objectType === 'schema' ? `schema ${e.ref.name}` : `${e.ref.schema}.${e.ref.name}`);
      for (const r of e.reasons) g.reasons.add(r);
    }
    const out: Array<{ op: 'grant' | 'revoke' | 'revoke-option'; sql: string; reason: string; sort: string }> = [];
    // Grants made through a grant option are revoked first, deepest in the chain first, so each
    // runs while its grantor still holds the option; the owner's revokes (sort key "~") come last.
    const rank = (revoker: Revoker | undefined) => (revoker ? String(1000 - revoker.depth).padStart(4, '0') : '~');
    for (const [key, g] of groups) {
      const order = g.objects.map((_, i) => i).sort((a, b) => compareText(g.objects[a]!, g.objects[b]!));
      const objects = order.map((i) => g.objects[i]!);
      const labels = order.map((i) => g.labels[i]!);
      for (const [n, part] of chunks(objects, 100).entries()) {
        const on = `${g.keyword} ${part.join(', ')}`;
        const sql =
          g.op === 'grant'
            ? `GRANT ${g.privileges} ON ${on} TO ${granteeSql(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`
            : revokeSql(`REVOKE ${g.op === 'revoke-option' ? 'GRANT OPTION FOR ' : ''}${g.privileges} ON ${on} FROM ${granteeSql(g.grantee)}`, g.revoker, g.cascade);
        const count = part.length === 1 ? labels[n * 100]! : `${part.length} ${g.kind} in ${g.schema}`;
        out.push({ op: g.op, sql, reason: `${g.grantee}: ${g.privileges} on ${count}; ${[...g.reasons].join('; ')}`, sort: `${rank(g.revoker)}\u0000${g.grantee}\u0000${key}` });
      }
    }
    for (const c of columns.values()) {
      const list = [...c.byPrivilege].map(([p, cols]) => `${p} (${cols.sort(compareText).map(ident).join(', ')})`).join(', ');
      const on = `TABLE ${objectSql('table', c.ref.schema, c.ref.name)}`;
      const sql =
        c.op === 'grant'
          ? `GRANT ${list} ON ${on} TO ${granteeSql(c.grantee)}${c.grantable ? ' WITH GRANT OPTION' : ''}`
          : revokeSql(`REVOKE ${c.op === 'revoke-option' ? 'GRANT OPTION FOR ' : ''}${list} ON ${on} FROM ${granteeSql(c.grantee)}`, c.revoker, c.cascade);
      out.push({ op: c.op, sql, reason: `${c.grantee}: column privileges on ${c.ref.schema}.${c.ref.name}; ${[...c.reasons].join('; ')}`, sort: `${rank(c.revoker)}\u0000${c.grantee}\u0001${sql}` });
    }
    return out.sort((a, b) => compareText(a.sort, b.sort));
  }
}
