import yargs from 'yargs';
import { PgwardenError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { VERSION } from '../version.js';
import { loadCommands } from './commands/index.js';
import { getOutput, globalOptions, takeExitCode } from './context.js';
import { reportError } from './output.js';
import { takeSignalExitCode } from './interrupt.js';
import { trace } from '../trace.js';

/** Global options that take a value, so the command name can be told from their values. */
const VALUE_OPTIONS = new Set(['--config', '--migrations', '--env', '--url']);

/** The first positional argument: the command's name, when there is one. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (!arg.startsWith('-')) return arg;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return undefined;
}

/**
 * Builds the yargs parser without running anything (for tests and the generated reference). Only
 * the command that `argv` names is loaded; with none (help, a typo), every command is.
 */
export async function buildCli(argv: string[]) {
  let cli = globalOptions(yargs(argv))
    .scriptName('pgwarden')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command: pgwarden --help lists them.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 database or connection error, 70 internal error.')
    .fail((message, error) => {
      // yargs reports a bad flag as a YError, an option's coerce (src/cli/numeric-option.ts) included:
      // a usage error. Errors of pgwarden's own pass through as they are.
      if (error && error.name !== 'YError') throw error;
      const text = message ?? error?.message ?? 'Bad arguments';
      // yargs' own messages ("Unknown argument: x") end without a full stop; pgwarden's say what to do.
      throw new PgwardenError('USAGE', /[.!?]$/.test(text) ? text : `${text} (pgwarden --help shows the usage)`);
    });
  for (const command of await loadCommands(commandName(argv))) cli = cli.command(command);
  // yargs renders the whole help text of the command it runs, for a later showHelp() that pgwarden
  // never calls: a quarter of a short command's start-up. --help itself does not use this cache.
  const usage = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
  return cli;
}

/** Runs the CLI and returns the exit code. The only place that turns errors into exit codes. */
export async function main(argv: string[]): Promise<number> {
  trace('cli: loaded');
  const output = getOutput();
  try {
    await (await buildCli(argv)).parseAsync();
    trace('cli: done');
    const code = takeExitCode();
    return takeSignalExitCode() ?? code;
  } catch (error) {
    takeExitCode();
    const code = reportError(output, error);
    // A run stopped by a signal exits with 128 + its number (130 for Ctrl-C, 143 for SIGTERM).
    return takeSignalExitCode() ?? code;
  }
}

export { ExitCode };
