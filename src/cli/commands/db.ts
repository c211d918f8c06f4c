import type { CommandModule } from 'yargs';
import { PgwardenError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { destroyDevCluster, devClusterState, devClusterUrl, startDevCluster, stopDevCluster, type DevClusterState } from '../../providers/embedded.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { printJson, type Output } from '../output.js';

interface DbArgs extends GlobalArgs {
  action: 'start' | 'stop' | 'status' | 'url' | 'destroy';
  json?: boolean;
  force?: boolean;
}

function show(output: Output, state: DevClusterState, json: boolean | undefined) {
  if (json) return printJson(output, state);
  if (state.portNote) output.err(`note: ${state.portNote}\n`);
  output.out(
    state.running
      ? `Development cluster running on port ${state.port} (pid ${state.pid}), data in ${state.dataDir}\n  ${state.display}\n`
      : `Development cluster stopped${state.initialised ? '' : ' (not created yet)'}; data in ${state.dataDir}\n`,
  );
}

export const dbCommand: CommandModule<object, DbArgs> = {
  command: 'db <action>',
  describe: 'The embedded development cluster: start (keeps running), stop, status, url, destroy (stop it and delete its data)',
  builder: (y) =>
    y
      .positional('action', { choices: ['start', 'stop', 'status', 'url', 'destroy'] as const, demandOption: true })
      .option('json', { type: 'boolean', describe: 'Machine-readable output' })
      .option('force', { type: 'boolean', describe: 'stop, destroy: even while other commands use the cluster (they fail with a connection error)' }) as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const dir = ctx.config.embedded.dataDir;
    switch (args.action) {
      case 'start':
        return show(ctx.output, await startDevCluster(dir, ctx.config.embedded.port), args.json);
      case 'stop':
        return show(ctx.output, await stopDevCluster(dir, { force: args.force }), args.json);
      case 'status': {
        const state = devClusterState(dir);
        show(ctx.output, state, args.json);
        return setExitCode(state.running ? ExitCode.Ok : ExitCode.Findings);
      }
      case 'destroy': {
        const state = await destroyDevCluster(dir, { force: args.force });
        if (args.json) return show(ctx.output, state, true);
        ctx.output.out(`Development cluster stopped and deleted (its data, log and credentials); the next command that needs it creates a new one.\n`);
        return;
      }
      case 'url': {
        const url = devClusterUrl(dir);
        if (!url) throw new PgwardenError('CONNECTION_FAILED', 'The development cluster is not running: start it with pgwarden db start.');
        // The one place a full connection string is printed: this command exists to hand it to psql.
        process.stdout.write(`${url}\n`);
        return;
      }
    }
  },
};
