/**
 * `pgwarden lint` without yargs and without the other commands' imports: a pre-commit hook runs
 * lint on every commit, and loading the whole CLI would cost more than linting. It understands
 * exactly the flags of the yargs command (commands/lint.ts); for anything else (--help, a typo, an
 * unknown flag) it returns undefined and bin/pgwarden.js runs the full CLI, which reports usage.
 */
import { parseFastArgs, runFastCommand, type FastArgs } from './fast-path.js';
import { executeLint } from './lint-run.js';
import { processOutput, type Output } from './output.js';

// `pgwarden check --staged` (the pre-commit check) shares lint's fast path, its bundle and its code cache.
export { runCheckFast } from './check-fast.js';

/** Parses the arguments after `lint`, or returns undefined when the full CLI must handle them. */
export function parseFastLintArgs(argv: readonly string[]): FastArgs | undefined {
  const args = parseFastArgs(argv, { paths: true, cacheFlag: true });
  if (!args || (args.staged && args.paths.length > 0)) return undefined;
  return args;
}

/** Runs `pgwarden lint` directly; undefined when the arguments need the full CLI. */
export async function runLintFast(argv: readonly string[], output: Output = processOutput): Promise<number | undefined> {
  const args = parseFastLintArgs(argv);
  if (!args) return undefined;
  return runFastCommand(args, output, (config, out, cwd) => executeLint(config, out, { ...args, cwd }));
}
