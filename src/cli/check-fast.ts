/**
 * `pgwarden check --staged` without yargs and without the other commands' imports: the pre-commit
 * hook runs it on every commit. It understands exactly the flags the yargs command accepts with
 * --staged (commands/check.ts); for anything else it returns undefined and bin/pgwarden.js runs the
 * full CLI, which reports usage.
 */
import { executeStagedCheck } from './check-staged-run.js';
import { parseFastArgs, runFastCommand, type FastArgs } from './fast-path.js';
import { processOutput, type Output } from './output.js';

/** Parses the arguments after `check`, or returns undefined when the full CLI must handle them. */
export function parseFastCheckArgs(argv: readonly string[]): FastArgs | undefined {
  const args = parseFastArgs(argv, { paths: false, cacheFlag: false });
  return args?.staged ? args : undefined;
}

/** Runs `pgwarden check --staged` directly; undefined when the arguments need the full CLI. */
export async function runCheckFast(argv: readonly string[], output: Output = processOutput): Promise<number | undefined> {
  const args = parseFastCheckArgs(argv);
  if (!args) return undefined;
  return runFastCommand(args, output, (config, out, cwd) => executeStagedCheck(config, out, { format: args.format, json: args.json, cache: args.cache, cwd }));
}
