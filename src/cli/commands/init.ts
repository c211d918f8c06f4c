import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import { initProject, type CiChoice, type HookChoice } from '../../init/init.js';
import { DEFAULT_POSTGRES_VERSION } from '../../lint/config.js';
import { getOutput, setExitCode, type GlobalArgs } from '../context.js';
import { paint, printJson } from '../output.js';
import { numberOption } from '../numeric-option.js';

interface InitArgs extends GlobalArgs {
  dir?: string;
  hook?: HookChoice;
  ci?: CiChoice;
  pgVersion?: number;
  dryRun?: boolean;
  json?: boolean;
}

/** `pgwarden init`: the config, folders, a starter roles file, a pre-commit hook and a CI example. */
export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init',
  describe: 'Set a repository up for pgwarden: config, migrations/, schema/roles.yaml, pre-commit hook, CI example (keeps existing files, except the placeholder pre-commit of husky init)',
  builder: (y) =>
    y
      .option('dir', { type: 'string', describe: 'The repository folder (default: the working directory)' })
      .option('hook', { choices: ['auto', 'husky', 'git', 'none'] as const, default: 'auto' as const, describe: 'Pre-commit hook: husky when the repository uses it, else .git/hooks/pre-commit' })
      .option('ci', { choices: ['github', 'gitlab', 'none'] as const, default: 'github' as const, describe: 'CI example to add' })
      .option('pg-version', numberOption('pg-version', { integer: true, min: 10, max: 19, meaning: 'the Postgres major version the migrations target', example: '16' }, { default: DEFAULT_POSTGRES_VERSION, describe: 'Postgres major version the migrations target (lint.postgresVersion, 10 to 19; the oldest your servers run)' }))
      .option('dry-run', { type: 'boolean', describe: 'List what would be written, write nothing' })
      .option('json', { type: 'boolean', describe: 'Machine-readable output' })
      .example('pgwarden init', 'Set up the repository in the working directory')
      .example('pgwarden init --hook none --ci gitlab', 'No hook, a GitLab CI job') as never,
  handler: async (args) => {
    const output = getOutput(args);
    const result = initProject({
      root: resolve(args.dir ?? process.cwd()),
      hook: args.hook,
      ci: args.ci,
      postgresVersion: args.pgVersion,
      dryRun: args.dryRun,
    });
    if (args.json) {
      printJson(output, result);
    } else {
      const width = Math.max(...result.files.map((f) => f.path.length));
      const lines = [args.dryRun ? 'pgwarden init (dry run: nothing written):' : `pgwarden init in ${result.root}:`];
      for (const f of result.files) {
        const action = f.action === 'created' ? paint(output, 'green', 'created ') : f.action === 'replaced' ? paint(output, 'green', 'replaced') : paint(output, 'yellow', 'kept    ');
        lines.push(`  ${action}  ${f.path.padEnd(width)}  ${paint(output, 'gray', f.note)}`);
      }
      const hookNote = result.hook.installed ? result.hook.note : paint(output, 'yellow', result.hook.note);
      if (result.packageManager.name !== 'npm') lines.push('', `Package manager: ${result.packageManager.name}${result.packageManager.pnp ? " (Plug'n'Play)" : ''}, from ${result.packageManager.source}: the hook and the CI job use it.`);
      lines.push('', `Pre-commit: ${result.hook.installed ? `${result.hook.command}. ` : ''}${hookNote}`, '', 'Next:');
      for (const step of result.next) lines.push(`  ${step}`);
      output.out(`${lines.join('\n')}\n`);
    }
    setExitCode(ExitCode.Ok);
  },
};
