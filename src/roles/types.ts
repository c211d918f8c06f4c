/**
 * The roles file (`schema/roles.yaml`) as written, and the validated model pgwarden plans from.
 * See docs/roles.md for the format.
 */

/** The object kinds a grant can select inside a schema. */
export type GrantKind = 'tables' | 'sequences' | 'functions' | 'types';
/** The kinds a privilege list can name: the schema itself, the object kinds, and columns. */
export type PrivilegeTarget = 'schema' | GrantKind | 'columns';
/** The object kinds of `ALTER DEFAULT PRIVILEGES` (schemas only for global entries). */
export type DefaultKind = GrantKind | 'schemas';

/** Privileges per target kind: a profile, or the map form of `privileges`. */
export type PrivilegeMap = Partial<Record<PrivilegeTarget, string[]>>;

/** A membership as written: a role name, or the role with PG16 options. */
export type MembershipSpec = string | { role: string; admin?: boolean; inherit?: boolean; set?: boolean };

/** A password taken at apply time, never from the file itself. */
export interface PasswordSpec {
  /** Environment variable holding the clear-text password. */
  env?: string;
  /** File holding the clear-text password (relative to the roles file); trailing newlines are ignored. */
  file?: string;
}

/** One role as written. Omitted attributes take Postgres's defaults. */
export interface RoleSpec {
  login?: boolean;
  superuser?: boolean;
  createdb?: boolean;
  createrole?: boolean;
  inherit?: boolean;
  replication?: boolean;
  bypassrls?: boolean;
  connectionLimit?: number;
  /** A timestamp, or `infinity`; null or absent: never expires. */
  validUntil?: string | null;
  /** Per-role settings (`ALTER ROLE ... SET`), for every database. */
  settings?: Record<string, string | number | boolean | string[]>;
  comment?: string | null;
  memberOf?: MembershipSpec[];
  password?: PasswordSpec;
  /** The password is (re)set only when this changes. */
  passwordVersion?: string | number;
}

/** One grant entry as written. */
export interface GrantSpec {
  to: string | string[];
  schema: string;
  profile?: string;
  privileges?: string[] | PrivilegeMap;
  tables?: '*' | string[];
  sequences?: '*' | string[];
  functions?: '*' | string[];
  types?: '*' | string[];
  /** Column-level grants: table name → columns. */
  columns?: Record<string, string[]>;
  /** Names left out of `*`. */
  exclude?: string[];
  withGrantOption?: boolean;
}

/** One default-privileges entry as written. */
export interface DefaultPrivilegeSpec {
  /** The creating role(s) whose future objects get the privileges. */
  for: string | string[];
  /** Absent: every schema (a global entry). */
  schema?: string;
  to: string | string[];
  profile?: string;
  privileges?: string[] | PrivilegeMap;
  on?: DefaultKind[];
  withGrantOption?: boolean;
}

/** What PUBLIC must not have. Nothing is revoked from PUBLIC unless a rule here says so. */
export interface PublicSpec {
  /** The schemas the rules hold in. */
  schemas: string[];
  /** No CREATE on those schemas. */
  noCreateOnSchema?: boolean;
  /** No privileges on their tables, views and sequences (nor default privileges granting them). */
  noTablePrivileges?: boolean;
  /** No EXECUTE on their SECURITY DEFINER functions. */
  noSecurityDefinerExecute?: boolean;
}

export interface ManagedSpec {
  /** Roles managed besides those the file declares (reported when they exist but are not declared). */
  roles?: string[];
  /** Every live role whose name starts with one of these is managed. */
  prefixes?: string[];
  /** Roles never touched, besides the built-in list. */
  ignore?: string[];
  /** Drop managed roles that the file does not declare (default false: only report them). */
  dropUndeclared?: boolean;
  /** Who receives what a dropped role owned (REASSIGN OWNED). Default: the applying user. */
  reassignOwnedTo?: string;
}

export interface EnvironmentRolesSpec {
  roles?: Record<string, RoleSpec>;
}

/** The whole roles file as written. */
export interface RolesFileSpec {
  $schema?: string;
  version?: 1;
  managed?: ManagedSpec;
  profiles?: Record<string, PrivilegeMap>;
  roles?: Record<string, RoleSpec>;
  environments?: Record<string, EnvironmentRolesSpec>;
  grants?: GrantSpec[];
  defaultPrivileges?: DefaultPrivilegeSpec[];
  public?: PublicSpec;
}

/** Where a value sits in the roles file, for problems found after parsing. */
export interface SpecLocation {
  line?: number;
  column?: number;
  path: string;
}

/** A parsed, validated roles file with the location of every entry. */
export interface RolesFile {
  file: string;
  spec: RolesFileSpec;
  /** Location of a JSON path such as `roles.app_rw.superuser` (dot-separated). */
  locate(path: (string | number)[]): SpecLocation;
}
