import type { CommandModule } from 'yargs';
import { PgwardenError } from '../../errors.js';
import { FORMATS, type FormatName } from '../../lint/format/index.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { executeLint } from '../lint-run.js';

interface LintArgs extends GlobalArgs {
  paths?: string[];
  staged?: boolean;
  format?: FormatName;
  json?: boolean;
  cache?: boolean;
}

/** `pgwarden lint [paths...]`: governance and safety checks on the migration history, no database needed. */
export const lintCommand: CommandModule<object, LintArgs> = {
  command: 'lint [paths..]',
  describe: 'Check migrations for structural mistakes and locking hazards (no database needed)',
  builder: (y) =>
    y
      .positional('paths', { type: 'string', array: true, describe: 'Migration files to report on (checked against the whole history), or a migrations folder' })
      .option('staged', { type: 'boolean', describe: 'Lint the migrations git has staged (for pre-commit hooks)' })
      .option('format', { choices: FORMATS, describe: 'Output format (default: text)' })
      .option('json', { type: 'boolean', describe: 'Same as --format json' })
      .option('cache', { type: 'boolean', default: true, describe: 'Reuse results for an unchanged history (--no-cache to re-check everything)' })
      // Not .conflicts('staged', 'paths'): yargs counts the positional as given even when empty.
      .check((argv) => {
        if (argv.staged && (argv.paths?.length ?? 0) > 0) throw new PgwardenError('USAGE', '--staged lints what git has staged and takes no file names: drop either the files or --staged.');
        return true;
      })
      .example('pgwarden lint', 'Lint the whole history')
      .example('pgwarden lint --staged', 'Pre-commit: lint what is staged')
      .example('pgwarden lint --format sarif > lint.sarif', 'For code scanning') as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    setExitCode(await executeLint(ctx.config, ctx.output, { paths: args.paths, staged: args.staged, format: args.format, json: args.json, cache: args.cache, cwd: args.cwd ?? process.cwd() }));
  },
};
