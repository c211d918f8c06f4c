/**
 * `pgwarden lint` without yargs and without the other commands' imports: a pre-commit hook runs
 * lint on every commit, and loading the whole CLI would cost more than linting. It understands
 * exactly the flags of the yargs command (commands/lint.ts); for anything else (--help, a typo, an
 * unknown flag) it returns undefined and bin/pgwarden.js runs the full CLI, which reports usage.
 */
import { isPgwardenError } from '../errors.js';
import { FORMATS, type FormatName } from '../lint/format/index.js';
import { executeLint, type LintCommandOptions } from './lint-run.js';
import { processOutput, reportError, type Output } from './output.js';

interface FastArgs extends LintCommandOptions {
  config?: string;
  migrations?: string;
  color?: boolean;
}

/** Parses the arguments after `lint`, or returns undefined when the full CLI must handle them. */
export function parseFastLintArgs(argv: readonly string[]): FastArgs | undefined {
  const args: FastArgs = { paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      args.paths!.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (name) {
      case '--staged':
        if (eq > 0) return undefined;
        args.staged = true;
        break;
      case '--json':
        if (eq > 0) return undefined;
        args.json = true;
        break;
      case '--no-cache':
        args.cache = false;
        break;
      case '--cache':
        if (eq > 0) return undefined;
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
  if (args.staged && args.paths!.length > 0) return undefined;
  return args;
}

/** Runs `pgwarden lint` directly; undefined when the arguments need the full CLI. */
export async function runLintFast(argv: readonly string[], output: Output = processOutput): Promise<number | undefined> {
  const args = parseFastLintArgs(argv);
  if (!args) return undefined;
  const out: Output = args.color === undefined ? output : { ...output, color: args.color };
  try {
    const { loadConfigForLint } = await import('../lint/project-config.js');
    const cwd = process.cwd();
    const config = await loadConfigForLint({ cwd, ...(args.config ? { configPath: args.config } : {}), ...(args.migrations ? { migrationsDir: args.migrations } : {}) });
    return await executeLint(config, out, { ...args, cwd });
  } catch (error) {
    if (!isPgwardenError(error) && !(error instanceof Error)) throw error;
    return reportError(out, error);
  }
}
