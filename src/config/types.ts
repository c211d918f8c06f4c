/** Severity of a lint or schema rule, as configured. */
export type RuleSeverity = 'error' | 'warning' | 'off';

export type ProviderKind = 'embedded' | 'url' | 'testcontainers';

/** A named environment (dev, staging, prod, ...). */
export interface EnvironmentConfig {
  /** How the database is reached. Default: `url` when a URL is configured, else `embedded`. */
  provider?: ProviderKind;
  /** A connection string without password. Passwords come from `passwordEnv` or inside `urlEnv`. */
  url?: string;
  /** Name of the environment variable holding the connection string. */
  urlEnv?: string;
  /** Name of the environment variable holding the password (joined to `url`). */
  passwordEnv?: string;
  /** Ask for confirmation on a terminal before changing this environment. */
  protected?: boolean;
  /** Postgres major version for testcontainers (`postgres:<version>`). */
  postgresVersion?: string;
  /** Drift findings to leave out for this environment (object paths or globs). */
  driftIgnore?: string[];
}

export interface RunnerConfig {
  /** `per-migration` (default): one transaction per migration; `single`: one for the whole run. */
  transaction: 'per-migration' | 'single';
  /** Default `lock_timeout` for every migration (a migration's header can override it). */
  lockTimeout: string;
  /** Default `statement_timeout` for every migration (a migration's header can override it). */
  statementTimeout: string;
  /** The `TimeZone` migration sessions run with; undefined: the server's, database's or role's default. */
  timeZone?: string | undefined;
}

export interface LedgerConfig {
  schema: string;
  table: string;
}

export interface EmbeddedConfig {
  /** Folder of the persistent development cluster, relative to the config file. */
  dataDir: string;
  /** Port of the development cluster; 0 picks a free port. */
  port: number;
}

export interface LintConfig {
  /** The Postgres major version migrations target. */
  postgresVersion: number;
  /** Severity per rule id. */
  rules: Record<string, RuleSeverity>;
  /** Rules that only apply to migrations after a revision: `{ rule-id: revision }` or `{ '*': revision }`. */
  startAfter: Record<string, string>;
}

export interface DocsConfig {
  /** Require a comment on every table and column (rule `require-comment`). */
  requireComment: RuleSeverity;
  requirePrimaryKey: RuleSeverity;
  requireFkIndex: RuleSeverity;
}

export interface RolesConfig {
  /** The roles file, relative to the config file. */
  file: string;
}

/** The whole configuration, with defaults applied and paths absolute. */
export interface PgwardenConfig {
  /** Absolute path of the config file, or undefined when running on defaults. */
  configFile: string | undefined;
  /** Absolute path of the project root (the config file's folder, or the working directory). */
  root: string;
  /** Absolute path of the migrations folder. */
  migrationsDir: string;
  /** Absolute path of the schema folder (docs, snapshot, roles). */
  schemaDir: string;
  runner: RunnerConfig;
  ledger: LedgerConfig;
  embedded: EmbeddedConfig;
  environments: Record<string, EnvironmentConfig>;
  /** The environment used when `--env` is not given. */
  defaultEnvironment: string | undefined;
  lint: LintConfig;
  docs: DocsConfig;
  roles: RolesConfig;
}

/** The config file as written by a person (every key optional). */
export interface PgwardenConfigFile {
  $schema?: string;
  migrations?: string;
  schema?: string;
  runner?: Partial<RunnerConfig>;
  ledger?: Partial<LedgerConfig>;
  embedded?: Partial<EmbeddedConfig>;
  environments?: Record<string, EnvironmentConfig>;
  defaultEnvironment?: string;
  lint?: Partial<LintConfig>;
  docs?: Partial<DocsConfig>;
  roles?: Partial<RolesConfig>;
}
