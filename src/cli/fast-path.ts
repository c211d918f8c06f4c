/**
 * What `pgwarden lint` and `pgwarden check --staged` share on their fast path (the pre-commit hook
 * runs them on every commit, so they skip yargs and the other commands' imports): the flag parser
 * and the run wrapper. A flag the fast path does not know makes it step aside; bin/pgwarden.js then
 * runs the full CLI, which reports usage.
 */
import type { PgwardenConfig } from '../config/types.js';
import { isPgwardenError } from '../errors.js';
import { FORMATS, type FormatName } from '../lint/format/index.js';
import { reportError, type Output } from './output.js';
import { trace } from '../trace.js';

/** The flags of the fast path (and, for lint, the files named). */
export interface FastArgs {
  paths: string[];
  staged?: boolean;
  json?: boolean;
  cache?: boolean;
  color?: boolean;
  format?: FormatName;
  config?: string;
  migrations?: string;
}

/**
 * Parses the arguments after the command name, or returns undefined when the full CLI must handle
 * them. `paths`: positional arguments are files (lint); `cacheFlag`: `--cache` is accepted (lint).
 */
export function parseFastArgs(argv: readonly string[], options: { paths: boolean; cacheFlag: boolean }): FastArgs | undefined {
  const args: FastArgs = { paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      if (!options.paths) return undefined;
      args.paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (name) {
      case '--staged':
      case '--json':
        if (eq > 0) return undefined;
        args[name === '--staged' ? 'staged' : 'json'] = true;
        break;
      case '--no-cache':
        args.cache = false;
        break;
      case '--cache':
        if (eq > 0 || !options.cacheFlag) return undefined;
        args.cache = true;
        break;
      case '--no-color':
        args.color = false;
        break;
      case '--color':
        if (eq > 0) return undefined;
        args.color = true;
        break;
      case '--format': {
        const format = value();
        if (!format || !(FORMATS as readonly string[]).includes(format)) return undefined;
        args.format = format as FormatName;
        break;
      }
      case '--config':
      case '--migrations': {
        const path = value();
        if (!path || path.startsWith('-')) return undefined;
        args[name === '--config' ? 'config' : 'migrations'] = path;
        break;
      }
      default:
        return undefined;
    }
  }
  return args;
}

/** Loads the configuration (from lint's cache when unchanged), runs `execute`, and turns errors into exit codes. */
export async function runFastCommand(args: FastArgs, output: Output, execute: (config: PgwardenConfig, output: Output, cwd: string) => Promise<number>): Promise<number> {
  const out: Output = args.color === undefined ? output : { ...output, color: args.color };
  try {
    trace('fast path: loaded');
    const { loadConfigForLint } = await import('../lint/project-config.js');
    const cwd = process.cwd();
    const config = await loadConfigForLint({ cwd, ...(args.config ? { configPath: args.config } : {}), ...(args.migrations ? { migrationsDir: args.migrations } : {}) });
    trace('fast path: config loaded');
    return await execute(config, out, cwd);
  } catch (error) {
    if (!isPgwardenError(error) && !(error instanceof Error)) throw error;
    return reportError(out, error);
  }
}
