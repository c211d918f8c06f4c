import type { CommandModule } from 'yargs';
import { migrateHandler, migrateOptions, type MigrateArgs } from './migrate.js';

export const upCommand: CommandModule<object, MigrateArgs> = {
  command: 'up',
  describe: 'Apply pending migrations in revision order',
  builder: (y) =>
    migrateOptions(y)
      .option('out-of-order', { type: 'boolean', describe: 'Also apply pending migrations that sit before applied ones' })
      .option('resume', { type: 'boolean', describe: 'Continue a Transaction: none migration that stopped halfway' })
      .example('$0 up', 'apply everything pending')
      .example('$0 up --env staging --to 20261122101500', 'apply up to a revision') as never,
  handler: (args) => migrateHandler('up', args),
};
