import type { CommandModule } from 'yargs';

type Loader = () => Promise<CommandModule<object, any>>;

/**
 * Every command of the CLI, in the order `--help` lists them, each loaded on demand: a run of one
 * command imports that command's code and nothing else (start-up time is most of a short command).
 */
export const commandLoaders: ReadonlyArray<readonly [name: string, load: Loader]> = [
  ['up', async () => (await import('./up.js')).upCommand],
  ['down', async () => (await import('./down.js')).downCommand],
  ['status', async () => (await import('./status.js')).statusCommand],
  ['history', async () => (await import('./history.js')).historyCommand],
  ['lint', async () => (await import('./lint.js')).lintCommand],
  ['verify', async () => (await import('./verify.js')).verifyCommand],
  ['snapshot', async () => (await import('./snapshot.js')).snapshotCommand],
  ['docs', async () => (await import('./docs.js')).docsCommand],
  ['drift', async () => (await import('./drift.js')).driftCommand],
  ['new', async () => (await import('./new.js')).newCommand],
  ['acknowledge', async () => (await import('./acknowledge.js')).acknowledgeCommand],
  ['resolve', async () => (await import('./resolve.js')).resolveCommand],
  ['db', async () => (await import('./db.js')).dbCommand],
  ['config', async () => (await import('./config.js')).configCommand],
  ['roles', async () => (await import('./roles.js')).rolesCommand],
  ['check', async () => (await import('./check.js')).checkCommand],
  ['deploy', async () => (await import('./deploy.js')).deployCommand],
  ['init', async () => (await import('./init.js')).initCommand],
  ['adopt', async () => (await import('./adopt.js')).adoptCommand],
  ['baseline', async () => (await import('./baseline.js')).baselineCommand],
];

/** The command named `name`, or every command (help, typos) when `name` names none. */
export async function loadCommands(name?: string): Promise<CommandModule<object, any>[]> {
  const one = commandLoaders.find(([n]) => n === name);
  if (one) return [await one[1]()];
  return Promise.all(commandLoaders.map(([, load]) => load()));
}
