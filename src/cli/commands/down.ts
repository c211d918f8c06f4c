import type { CommandModule } from 'yargs';
import { migrateHandler, migrateOptions, type MigrateArgs } from './migrate.js';

export const downCommand: CommandModule<object, MigrateArgs> = {
  command: 'down',
  describe: 'Roll back applied migrations (the newest one by default)',
  builder: (y) =>
    migrateOptions(y)
      .example('$0 down', 'roll back the newest migration')
      .example('$0 down --to 20261122101500', 'roll back everything after a revision')
      .example('$0 down --to 0', 'roll back everything') as never,
  handler: (args) => migrateHandler('down', args),
};
