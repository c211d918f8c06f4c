import type { CommandModule } from 'yargs';
import { acknowledgeCommand } from './acknowledge.js';
import { configCommand } from './config.js';
import { dbCommand } from './db.js';
import { downCommand } from './down.js';
import { historyCommand } from './history.js';
import { newCommand } from './new.js';
import { resolveCommand } from './resolve.js';
import { rolesCommand } from './roles.js';
import { statusCommand } from './status.js';
import { upCommand } from './up.js';

/** Every command of the CLI, in the order `--help` lists them. */
export const commands: CommandModule<object, any>[] = [
  upCommand,
  downCommand,
  statusCommand,
  historyCommand,
  newCommand,
  acknowledgeCommand,
  resolveCommand,
  dbCommand,
  configCommand,
  rolesCommand,
];
