/**
 * `pgwarden lint` of a generated 1,000-migration history against squawk (squawk-cli, the Rust
 * linter) on the same SQL files, in one run: a cold run (no caches at all), a repeated run on the
 * unchanged history (result cache), and one staged file in the history (`--staged`, as a
 * pre-commit hook runs it; and `check --staged`, the pre-commit check, for information). Both
 * tools are spawned as a user runs them, so start-up counts; their output goes to /dev/null. A cold
 * run of a tenth of the history splits each tool's time into start-up and cost per migration.
 * Targets: cold ≤ 1.5x squawk, repeated ≤ 1.0x squawk, staged < 250 ms wall.
 *
 *   npx tsx bench/lint.ts [--migrations 1000] [--rounds 5]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { nextMigration, writeHistory } from './lint-history.js';
import { median, ratio } from './support.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COUNT = arg('migrations', 1000);
const ROUNDS = arg('rounds', 5);
const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'pgwarden.js');
// squawk's npm package installs a Node launcher (node_modules/.bin/squawk) that spawns the Rust
// binary of an optional platform package. The peer is the binary itself, as a user of squawk's
// other installs (cargo, Homebrew, its releases) runs it: through the launcher squawk would also pay
// for a Node start-up and a spawn (60 to 105 ms here). The launcher is measured for information.
const SQUAWK_NPM = join(ROOT, 'node_modules', '.bin', 'squawk');
const squawkBinary = (): string => {
  const require = createRequire(SQUAWK_NPM);
  const name = process.platform === 'win32' ? 'squawk.exe' : 'squawk';
  try {
    return require.resolve(`@squawk-cli/${process.platform}-${process.arch}/bin/${name}`, { paths: [join(ROOT, 'node_modules', 'squawk-cli')] });
  } catch {
    throw new Error(`squawk's binary for ${process.platform}-${process.arch} is not installed (npm install --include=optional)`);
  }
};

if (!existsSync(join(ROOT, 'dist', 'cli', 'lint-fast.js'))) throw new Error('Build first: npm run build');
if (!existsSync(SQUAWK_NPM)) throw new Error('squawk-cli is not installed (npm install)');
const SQUAWK = squawkBinary();

/** Wall time of a spawned command, in ms, and its exit code. */
function run(command: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { ms: number; code: number | null; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, code: result.status, stdout: result.stdout };
}

/**
 * Wall time of a spawned command whose output goes to /dev/null (as hyperfine does by default). The
 * timed runs do not pipe their output back here: squawk writes 3 MB of findings, and reading and
 * decoding them kept this process busy on the second core while the next command ran.
 */
const discard = openSync(devNull, 'w');
function timed(command: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, argv, { cwd, stdio: ['ignore', discard, discard], env: { ...process.env, NO_COLOR: '1', ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return ms;
}

/** Runs each of `runs` once, starting with a different one each round, so that none always follows the same one. */
function inTurn(round: number, runs: ReadonlyArray<() => unknown>): void {
  for (let i = 0; i < runs.length; i++) runs[(round + i) % runs.length]!();
}

const dir = mkdtempSync(join(tmpdir(), 'pgwarden-bench-lint-'));
try {
  writeFileSync(join(dir, 'package.json'), '{}\n');
  writeFileSync(join(dir, 'pgwarden.config.yaml'), 'migrations: migrations\nrunner:\n  lockTimeout: 5s\nlint:\n  postgresVersion: 17\n  rules:\n    fk-missing-index: warning\n');
  const files = writeHistory(join(dir, 'migrations'), COUNT).map((p) => p.slice(dir.length + 1));
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...a], { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'history');

  const cache = join(dir, '.pgwarden');
  const squawk = () => timed(SQUAWK, files, dir);
  const squawkNpm = () => timed(SQUAWK_NPM, files, dir);
  // pgwarden's own code compiles from V8's code cache that npm run build wrote (src/cli/code-cache.ts),
  // as squawk's was compiled when it was built; nothing of the history is cached. Without it, for
  // comparison: PGWARDEN_CODE_CACHE=off.
  const cold = (env: NodeJS.ProcessEnv = {}) => {
    rmSync(cache, { recursive: true, force: true });
    return timed(process.execPath, [CLI, 'lint', '--no-cache'], dir, env);
  };
  const warm = () => timed(process.execPath, [CLI, 'lint'], dir);

  // One untimed run of each, so both start from a warm file-system cache.
  squawk();
  const first = run(process.execPath, [CLI, 'lint', '--format', 'json'], dir);
  const report = JSON.parse(first.stdout) as { findings: Array<{ rule: string }>; migrations: number };
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);

  const times = { squawk: [] as number[], squawkNpm: [] as number[], cold: [] as number[], coldNoCodeCache: [] as number[], warm: [] as number[], staged: [] as number[], stagedInside: [] as number[], checkStaged: [] as number[], stagedCold: [] as number[], node: [] as number[] };
  const contenders = [() => times.squawk.push(squawk()), () => times.squawkNpm.push(squawkNpm()), () => times.cold.push(cold()), () => times.coldNoCodeCache.push(cold({ PGWARDEN_CODE_CACHE: 'off' }))];
  for (let round = 0; round < ROUNDS; round++) {
    inTurn(round, contenders);
    warm(); // fills the caches after the cold run
    times.warm.push(warm());
  }

  // One new migration staged on top of the history, as in a pre-commit hook.
  const next = nextMigration(COUNT);
  writeFileSync(join(dir, 'migrations', next.name), next.text);
  git('add', join('migrations', next.name));
  const staged = run(process.execPath, [CLI, 'lint', '--staged', '--format', 'json'], dir);
  const stagedReport = JSON.parse(staged.stdout) as { files: string[] };
  if (stagedReport.files.length !== 1) throw new Error(`--staged linted ${stagedReport.files.length} files, expected 1`);
  for (let round = 0; round < ROUNDS; round++) {
    // Each round edits the staged file, so the result cache cannot answer (the parse cache can).
    writeFileSync(join(dir, 'migrations', next.name), `${next.text}-- round ${round}\n`);
    git('add', join('migrations', next.name));
    const result = run(process.execPath, [CLI, 'lint', '--staged', '--format', 'json'], dir);
    times.staged.push(result.ms);
    times.stagedInside.push((JSON.parse(result.stdout) as { durationMs: number }).durationMs);
    // The pre-commit check: lint --staged, with the structural rules reported on every file.
    writeFileSync(join(dir, 'migrations', next.name), `${next.text}-- round ${round}, check\n`);
    git('add', join('migrations', next.name));
    const check = run(process.execPath, [CLI, 'check', '--staged', '--format', 'json'], dir);
    if (check.code !== 0) throw new Error(`check --staged exited ${check.code}: ${check.stdout.slice(0, 500)}`);
    times.checkStaged.push(check.ms);
  }
  for (let round = 0; round < Math.min(ROUNDS, 3); round++) {
    rmSync(cache, { recursive: true, force: true });
    times.stagedCold.push(timed(process.execPath, [CLI, 'lint', '--staged'], dir));
  }

  for (let round = 0; round < ROUNDS; round++) times.node.push(timed(process.execPath, ['-e', '0'], dir));

  // Where the cold ratio comes from: the same generator's first tenth of the history, linted cold by
  // both, splits each tool's time into a fixed start-up cost and a cost per migration (a straight
  // line through the two sizes). A one-migration history has nothing to split it with.
  const smallCount = Math.max(1, Math.round(COUNT / 10));
  const smallTimes = { squawk: [] as number[], cold: [] as number[] };
  if (COUNT > smallCount) {
    const small = join(dir, 'small');
    const smallFiles = writeHistory(join(small, 'migrations'), smallCount).map((p) => p.slice(small.length + 1));
    writeFileSync(join(small, 'pgwarden.config.yaml'), readFileSync(join(dir, 'pgwarden.config.yaml')));
    writeFileSync(join(small, 'package.json'), '{}\n');
    timed(SQUAWK, smallFiles, small);
    for (let round = 0; round < ROUNDS; round++) {
      inTurn(round, [() => smallTimes.squawk.push(timed(SQUAWK, smallFiles, small)), () => smallTimes.cold.push(timed(process.execPath, [CLI, 'lint', '--no-cache'], small))]);
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof times, number>;
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log(`pgwarden lint vs squawk ${spawnSync(SQUAWK, ['--version'], { encoding: 'utf8' }).stdout.trim()}: ${report.migrations} migrations, median of ${ROUNDS} rounds`);
  console.log(`findings in the generated history: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`);
  console.log('');
  console.log(`squawk (its binary)                 ${m.squawk.toFixed(0).padStart(6)} ms`);
  console.log(`  through npm's launcher             ${m.squawkNpm.toFixed(0).padStart(6)} ms   (node_modules/.bin/squawk: Node starts, then spawns the binary)`);
  console.log(`pgwarden lint, cold (no caches)     ${m.cold.toFixed(0).padStart(6)} ms   ${ratio(m.cold, m.squawk)} squawk   target <= 1.5x  ${mark(m.cold <= 1.5 * m.squawk)}`);
  console.log(`  without its code cache             ${m.coldNoCodeCache.toFixed(0).padStart(6)} ms   ${ratio(m.coldNoCodeCache, m.squawk)} squawk   (PGWARDEN_CODE_CACHE=off)`);
  console.log(`pgwarden lint, unchanged history    ${m.warm.toFixed(0).padStart(6)} ms   ${ratio(m.warm, m.squawk)} squawk   target <= 1.0x  ${mark(m.warm <= m.squawk)}`);
  console.log(`pgwarden lint --staged, 1 file      ${m.staged.toFixed(0).padStart(6)} ms   target < 250 ms  ${mark(m.staged < 250)}   (${m.stagedInside.toFixed(0)} ms inside lint; \`node -e 0\` alone takes ${m.node.toFixed(0)} ms here)`);
  console.log(`pgwarden check --staged, 1 file     ${m.checkStaged.toFixed(0).padStart(6)} ms   (the pre-commit check: lint --staged and the history's structure)`);
  console.log(`pgwarden lint --staged, no caches   ${m.stagedCold.toFixed(0).padStart(6)} ms   (first run after a clone)`);
  // Each round runs squawk and the cold runs close together: their ratio is less exposed to the
  // machine slowing down or speeding up between rounds than the ratio of the medians is.
  const paired = (ours: number[]) => ours.map((t, i) => t / times.squawk[i]!);
  const show = (label: string, ours: number[]) => `${label} ${paired(ours).map((r) => r.toFixed(2)).join(', ')}; median ${median(paired(ours)).toFixed(2)}x`;
  console.log('');
  console.log(`paired ratios by round: ${show('cold', times.cold)}; ${show('unchanged', times.warm)}`);
  if (smallTimes.cold.length > 0) {
    const fit = (smallMs: number, bigMs: number) => {
      const perMigration = (bigMs - smallMs) / (COUNT - smallCount);
      return { perMigration, startup: smallMs - smallCount * perMigration };
    };
    const ours = fit(median(smallTimes.cold), m.cold);
    const theirs = fit(median(smallTimes.squawk), m.squawk);
    console.log('');
    console.log(`cold runs on ${smallCount} migration${smallCount === 1 ? '' : 's'}: squawk ${median(smallTimes.squawk).toFixed(0)} ms, pgwarden ${median(smallTimes.cold).toFixed(0)} ms. As start-up + cost per migration:`);
    console.log(`  squawk    ${theirs.startup.toFixed(0).padStart(4)} ms + ${theirs.perMigration.toFixed(3)} ms per migration`);
    console.log(`  pgwarden  ${ours.startup.toFixed(0).padStart(4)} ms + ${ours.perMigration.toFixed(3)} ms per migration  (${(ours.perMigration / theirs.perMigration).toFixed(2)}x squawk's; \`node -e 0\` ${m.node.toFixed(0)} ms)`);
  }
  const npmRatio = (ours: number) => ratio(ours, m.squawkNpm);
  console.log(`against squawk through npm's launcher (for information): cold ${npmRatio(m.cold)}, unchanged ${npmRatio(m.warm)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
