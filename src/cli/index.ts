import yargs from 'yargs';
import { PgwardenError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { VERSION } from '../version.js';
import { commands } from './commands/index.js';
import { getOutput, globalOptions, takeExitCode } from './context.js';
import { reportError } from './output.js';

/** Builds the yargs parser without running anything (for tests and the generated reference). */
export function buildCli(argv: string[]) {
  let cli = globalOptions(yargs(argv))
    .scriptName('pgwarden')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command: pgwarden --help lists them.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 database or connection error, 70 internal error.')
    .fail((message, error) => {
      if (error) throw error;
      throw new PgwardenError('USAGE', `${message} (pgwarden --help shows the usage)`);
    });
  for (const command of commands) cli = cli.command(command);
  return cli;
}

/** Runs the CLI and returns the exit code. The only place that turns errors into exit codes. */
export async function main(argv: string[]): Promise<number> {
  const output = getOutput();
  try {
    await buildCli(argv).parseAsync();
    return takeExitCode();
  } catch (error) {
    takeExitCode();
    return reportError(output, error);
  }
}

export { ExitCode };
