import type { CommandModule } from 'yargs';
import { configSchema } from '../../config/schema.js';
import { commandContext, type GlobalArgs } from '../context.js';
import { printJson } from '../output.js';

interface ConfigArgs extends GlobalArgs {
  action: 'check' | 'show' | 'schema';
}

export const configCommand: CommandModule<object, ConfigArgs> = {
  command: 'config [action]',
  describe: 'show (the default): the config with defaults; check: validate the config file; schema: its JSON Schema',
  builder: (y) =>
    y
      .positional('action', { choices: ['show', 'check', 'schema'] as const, default: 'show' as const, describe: 'What to do' })
      .example('$0 config', 'print the resolved settings (as config show)') as never,
  handler: (args) => {
    if (args.action === 'schema') return printJson(getOutputFor(args), configSchema);
    const ctx = commandContext(args);
    if (args.action === 'show') return printJson(ctx.output, ctx.config);
    ctx.output.out(`${ctx.config.configFile ?? '(no config file: defaults)'} is valid.\n`);
  },
};

function getOutputFor(args: ConfigArgs) {
  return commandContext({ ...args, config: args.config }).output;
}
