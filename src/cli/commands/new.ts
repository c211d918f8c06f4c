import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { newMigration } from '../../migrations/new.js';
import { commandContext, type GlobalArgs } from '../context.js';

interface NewArgs extends GlobalArgs {
  description: string;
  noTransaction?: boolean;
}

export const newCommand: CommandModule<object, NewArgs> = {
  command: 'new <description>',
  describe: 'Write a new SQL migration revising the current head',
  builder: (y) =>
    y
      .positional('description', { type: 'string', demandOption: true, describe: 'What the migration does' })
      .option('no-transaction', { type: 'boolean', describe: 'Add "Transaction: none" (for CREATE INDEX CONCURRENTLY)' }) as never,
  handler: (args) => {
    const ctx = commandContext(args);
    const result = newMigration(ctx.config.migrationsDir, args.description, args.noTransaction ? { transaction: 'none' } : {});
    ctx.output.out(`Created ${relative(process.cwd(), result.path)} (revision ${result.revision}${result.revises ? `, revises ${result.revises}` : ', the first migration'})\n`);
  },
};
