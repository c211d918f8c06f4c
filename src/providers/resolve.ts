import { basename } from 'node:path';
import type { PgwardenConfig, EnvironmentConfig } from '../config/types.js';
import { checkConnectionString } from '../connection-string.js';
import { PgwardenError } from '../errors.js';
import { passwordsOf, redactUrl, registerSecret } from '../redact.js';
import { openDevCluster, startThrowawayCluster } from './embedded.js';
import { startPostgresContainer } from './testcontainers.js';
import type { DatabaseHandle, DatabaseOrigin } from './types.js';
import { throwawayDatabaseOn, urlDatabase } from './url.js';

/** How a command chose its database: the global options `--env` and `--url`. */
export interface TargetOptions {
  env?: string | undefined;
  /** `--url`; when absent, `DATABASE_URL` is read. Either overrides the environment's connection. */
  url?: string | undefined;
  /** The process environment (for tests). */
  environ?: NodeJS.ProcessEnv;
  /** What the command is (`pgwarden up`), recorded with its lease on the development cluster. */
  command?: string | undefined;
}

function environmentConfig(config: PgwardenConfig, name: string): EnvironmentConfig {
  const env = config.environments[name];
  if (!env) {
    const known = Object.keys(config.environments);
    throw new PgwardenError(
      'USAGE',
      `Unknown environment "${name}"${config.configFile ? ` in ${config.configFile}` : ' (no config file found)'}. ${known.length ? `Known: ${known.join(', ')}.` : 'Add it under "environments" in pgwarden.config.yaml.'}`,
    );
  }
  return env;
}

/** The connection string an environment names, read from its environment variables. */
export function environmentUrl(config: PgwardenConfig, name: string, environ: NodeJS.ProcessEnv = process.env): string | undefined {
  const env = environmentConfig(config, name);
  let url: string | undefined;
  if (env.urlEnv) {
    url = environ[env.urlEnv];
    if (!url) {
      throw new PgwardenError('USAGE', `Environment "${name}" takes its connection from $${env.urlEnv}, which is not set: export it, or pass --url.`);
    }
  } else if (env.url) {
    url = env.url;
  }
  if (url) checkConnectionString(url, env.urlEnv ? `$${env.urlEnv}, environment "${name}"` : `environment "${name}"${config.configFile ? ` in ${config.configFile}` : ''}`);
  if (url && env.passwordEnv) {
    const password = environ[env.passwordEnv];
    if (!password) throw new PgwardenError('USAGE', `Environment "${name}" takes its password from $${env.passwordEnv}, which is not set.`);
    const parsed = new URL(url);
    parsed.password = password;
    url = parsed.toString();
  }
  return url;
}

/** Where an environment's connection string comes from, for connection errors. */
function environmentSource(config: PgwardenConfig, name: string): string | undefined {
  const env = config.environments[name];
  if (!env) return undefined;
  const from = env.urlEnv ? `$${env.urlEnv} of environment "${name}"` : env.url ? `the url of environment "${name}"${config.configFile ? ` in ${basename(config.configFile)}` : ''}` : undefined;
  return from && env.passwordEnv ? `${from}, password from $${env.passwordEnv}` : from;
}

/** How `options` named the database: the options of a next command, and where the URL came from. */
function originOf(config: PgwardenConfig, options: TargetOptions, url: string | undefined, envName: string | undefined): DatabaseOrigin {
  const env = options.env !== undefined ? `--env ${options.env}` : '';
  if (url) {
    if (options.url !== undefined) return { options: ['--url <the same URL>', env].filter(Boolean).join(' '), source: '--url' };
    return { options: env, source: '$DATABASE_URL' };
  }
  if (!envName) return { options: '' };
  const source = environmentSource(config, envName);
  return { options: `--env ${envName}`, ...(source ? { source } : {}) };
}

function explicitUrl(options: TargetOptions): string | undefined {
  const environ = options.environ ?? process.env;
  const url = options.url ?? (environ.DATABASE_URL || undefined);
  if (url) checkConnectionString(url, options.url !== undefined ? '--url' : '$DATABASE_URL');
  return url;
}

/** A redacted description of the database a command will use, without connecting. */
export function describeTarget(config: PgwardenConfig, options: TargetOptions): string {
  const url = explicitUrl(options);
  if (url) return redactUrl(url);
  const envName = options.env ?? config.defaultEnvironment;
  if (envName) {
    const env = environmentConfig(config, envName);
    if (env.provider === 'embedded') return `embedded development cluster (${config.embedded.dataDir})`;
    if (env.provider === 'testcontainers') return `testcontainers postgres:${env.postgresVersion ?? '17'}`;
    const envUrl = environmentUrl(config, envName, options.environ);
    if (envUrl) return redactUrl(envUrl);
  }
  return `embedded development cluster (${config.embedded.dataDir})`;
}

/**
 * Opens the database a command works on: `--url`, else `DATABASE_URL`, else the environment's
 * connection (`--env`, or the config's default environment), else the embedded development cluster.
 */
export async function openDatabase(config: PgwardenConfig, options: TargetOptions = {}): Promise<DatabaseHandle> {
  const url = explicitUrl(options);
  const envName = options.env ?? config.defaultEnvironment;
  const origin = originOf(config, options, url, envName);
  if (url) {
    for (const secret of passwordsOf(url)) registerSecret(secret);
    return { ...urlDatabase(url, envName), origin };
  }
  if (envName) {
    const env = environmentConfig(config, envName);
    if (env.provider === 'testcontainers') return { ...(await startPostgresContainer(env.postgresVersion, envName)), origin: { options: origin.options } };
    if (env.provider !== 'embedded') {
      const envUrl = environmentUrl(config, envName, options.environ);
      if (envUrl) {
        for (const secret of passwordsOf(envUrl)) registerSecret(secret);
        return { ...urlDatabase(envUrl, envName), origin };
      }
      if (env.provider === 'url') {
        throw new PgwardenError('USAGE', `Environment "${envName}" has provider "url" but neither url nor urlEnv.`);
      }
    }
    const handle = await openDevCluster(config.embedded.dataDir, config.embedded.port, options.command);
    return { ...handle, environment: envName, origin: { options: origin.options } };
  }
  return { ...(await openDevCluster(config.embedded.dataDir, config.embedded.port, options.command)), origin };
}

export interface ThrowawayOptions extends TargetOptions {
  /** `--pg-version`: run `postgres:<version>` with testcontainers. */
  pgVersion?: string | undefined;
}

/**
 * An empty database nobody else uses, removed by `close()`: a database created on the server of
 * `--url`/`--env` when given, a testcontainers server with `--pg-version`, else a throwaway
 * embedded cluster.
 */
export async function openThrowaway(config: PgwardenConfig, options: ThrowawayOptions = {}): Promise<DatabaseHandle> {
  if (options.pgVersion) return startPostgresContainer(options.pgVersion);
  const url = options.url ?? (options.env ? undefined : (options.environ ?? process.env).DATABASE_URL || undefined);
  if (url) checkConnectionString(url, options.url !== undefined ? '--url' : '$DATABASE_URL');
  if (url) {
    for (const secret of passwordsOf(url)) registerSecret(secret);
    return throwawayDatabaseOn(url, { source: options.url !== undefined ? '--url' : '$DATABASE_URL' });
  }
  if (options.env) {
    const env = environmentConfig(config, options.env);
    if (env.provider === 'testcontainers') return startPostgresContainer(env.postgresVersion, options.env);
    const envUrl = env.provider === 'embedded' ? undefined : environmentUrl(config, options.env, options.environ);
    if (envUrl) {
      for (const secret of passwordsOf(envUrl)) registerSecret(secret);
      const source = environmentSource(config, options.env);
      return throwawayDatabaseOn(envUrl, { environment: options.env, ...(source ? { source } : {}) });
    }
  }
  const server = await startThrowawayCluster();
  const dbUrl = server.url('postgres');
  return { url: dbUrl, display: redactUrl(dbUrl), provider: 'embedded', environment: undefined, privateServer: true, close: () => server.stop() };
}
