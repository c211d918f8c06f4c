/**
 * `pgwarden check --staged` without yargs and without the other commands' imports: the pre-commit
 * hook runs it on every commit. It understands exactly the flags the yargs command accepts with
 * --staged (commands/check.ts); for anything else it returns undefined and bin/pgwarden.js runs the
 * full CLI, which reports usage.
 */
import { isPgwardenError } from '../errors.js';
import { FORMATS, type FormatName } from '../lint/format/index.js';
import { executeStagedCheck, type StagedCheckCommandOptions } from './check-staged-run.js';
import { processOutput, reportError, type Output } from './output.js';

interface FastArgs extends StagedCheckCommandOptions {
  config?: string;
  migrations?: string;
  color?: boolean;
}

/** Parses the arguments after `check`, or returns undefined when the full CLI must handle them. */
export function parseFastCheckArgs(argv: readonly string[]): FastArgs | undefined {
  const args: FastArgs = {};
  let staged = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (name) {
      case '--staged':
        if (eq > 0) return undefined;
        staged = true;
        break;
      case '--json':
        if (eq > 0) return undefined;
        args.json = true;
        break;
      case '--no-cache':
        args.cache = false;
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
  return staged ? args : undefined;
}

/** Runs `pgwarden check --staged` directly; undefined when the arguments need the full CLI. */
export async function runCheckFast(argv: readonly string[], output: Output = processOutput): Promise<number | undefined> {
  const args = parseFastCheckArgs(argv);
  if (!args) return undefined;
  const out: Output = args.color === undefined ? output : { ...output, color: args.color };
  try {
    const { loadConfigForLint } = await import('../lint/project-config.js');
    const cwd = process.cwd();
    const config = await loadConfigForLint({ cwd, ...(args.config ? { configPath: args.config } : {}), ...(args.migrations ? { migrationsDir: args.migrations } : {}) });
    return await executeStagedCheck(config, out, { ...args, cwd });
  } catch (error) {
    if (!isPgwardenError(error) && !(error instanceof Error)) throw error;
    return reportError(out, error);
  }
}
