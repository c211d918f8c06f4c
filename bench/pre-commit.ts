/**
 * The pre-commit hook of this repository (.husky/pre-commit) against its alternatives, on the lint
 * bench's generated 1,000-migration history with one staged migration, in one run: the hook as it
 * is, checks/pre-commit started by zx and by plain node, and `pgwarden check --staged` alone (the
 * floor: what the hook costs when it adds nothing to pgwarden). Each round edits and stages the
 * migration before each command, as a commit does, so lint's result cache cannot answer (its parse
 * cache and model snapshots can), and the commands take turns in a different order each round.
 * Ratios are against `pgwarden check --staged` alone, measured in the same rounds.
 *
 *   npx tsx bench/pre-commit.ts [--migrations 1000] [--rounds 9]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { nextMigration, writeHistory } from './lint-history.js';
import { median, ratio } from './support.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COUNT = arg('migrations', 1000);
const ROUNDS = arg('rounds', 9);
const ROOT = resolve(import.meta.dirname, '..');
if (!existsSync(join(ROOT, 'dist', 'bundle', 'cli.js'))) throw new Error('Build first: npm run build');

const discard = openSync(devNull, 'w');
// husky 9 runs the hook with sh, node_modules/.bin first on PATH, from the top of the repository.
const env = { ...process.env, NO_COLOR: '1', PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` };

const dir = mkdtempSync(join(tmpdir(), 'pgwarden-bench-pre-commit-'));
try {
  writeFileSync(join(dir, 'package.json'), '{}\n');
  writeFileSync(join(dir, 'pgwarden.config.yaml'), 'migrations: migrations\nrunner:\n  lockTimeout: 5s\nlint:\n  postgresVersion: 17\n  rules:\n    fk-missing-index: warning\n');
  writeHistory(join(dir, 'migrations'), COUNT);
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...a], { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'history');
  // The hook names checks/ and bin/ from the top of the repository: here, links to this one's.
  for (const name of ['checks', 'bin', '.husky']) symlinkSync(join(ROOT, name), join(dir, name));

  const next = nextMigration(COUNT);
  let edits = 0;
  const stageEdit = () => {
    writeFileSync(join(dir, 'migrations', next.name), `${next.text}-- edit ${edits++}\n`);
    git('add', join('migrations', next.name));
  };
  const contenders: Record<string, [string, string[]]> = {
    'sh .husky/pre-commit (the hook)': ['sh', ['-e', '.husky/pre-commit']],
    'zx checks/pre-commit': [join(ROOT, 'node_modules', '.bin', 'zx'), ['checks/pre-commit']],
    'node checks/pre-commit': [process.execPath, ['checks/pre-commit']],
    'pgwarden check --staged alone': [process.execPath, ['bin/pgwarden.js', 'check', '--staged']],
    'node -e 0': [process.execPath, ['-e', '0']],
  };
  let names = Object.keys(contenders);
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  const once = (name: string) => {
    stageEdit();
    const [command, argv] = contenders[name]!;
    const start = process.hrtime.bigint();
    const result = spawnSync(command, argv, { cwd: dir, env, stdio: ['ignore', discard, discard] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}`);
    return ms;
  };
  // Untimed: fills the parse cache and the model snapshot before the staged file, as earlier commits
  // would. A command that fails here is left out, and said so.
  names = names.filter((name) => {
    try {
      once(name);
      return true;
    } catch (error) {
      console.log(`${name}: ${(error as Error).message}; not measured`);
      return false;
    }
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      times[name]!.push(once(name));
    }
  }
  const floor = 'pgwarden check --staged alone';
  const paired = (name: string) => median(times[name]!.map((t, i) => t / times[floor]![i]!));
  console.log(`pre-commit hook on ${COUNT} migrations with one staged, median of ${ROUNDS} rounds (wall time, ratio against ${floor}; paired: median of the per-round ratios)`);
  for (const name of names) {
    const m = median(times[name]!);
    console.log(`${name.padEnd(34)} ${m.toFixed(0).padStart(6)} ms   ${ratio(m, median(times[floor]!))}   paired ${paired(name).toFixed(2)}x`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
