import type { CommandModule } from 'yargs';
import { acknowledgeCommand } from './acknowledge.js';
import { adoptCommand } from './adopt.js';
import { baselineCommand } from './baseline.js';
import { checkCommand } from './check.js';
import { initCommand } from './init.js';
import { configCommand } from './config.js';
import { deployCommand } from './deploy.js';
import { dbCommand } from './db.js';
import { docsCommand } from './docs.js';
import { downCommand } from './down.js';
import { driftCommand } from './drift.js';
import { historyCommand } from './history.js';
import { lintCommand } from './lint.js';
import { newCommand } from './new.js';
import { resolveCommand } from './resolve.js';
import { rolesCommand } from './roles.js';
import { statusCommand } from './status.js';
import { upCommand } from './up.js';
import { snapshotCommand } from './snapshot.js';
import { verifyCommand } from './verify.js';

/** Every command of the CLI, in the order `--help` lists them. */
export const commands: CommandModule<object, any>[] = [
  upCommand,
  downCommand,
  statusCommand,
  historyCommand,
  lintCommand,
  verifyCommand,
  snapshotCommand,
  docsCommand,
  driftCommand,
  newCommand,
  acknowledgeCommand,
  resolveCommand,
  dbCommand,
  configCommand,
  rolesCommand,
  checkCommand,
  deployCommand,
  initCommand,
  adoptCommand,
  baselineCommand,
];
