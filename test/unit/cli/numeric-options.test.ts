import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, main } from '../../../src/cli/index.js';
import { commandLoaders } from '../../../src/cli/commands/index.js';
import { setOutput } from '../../../src/cli/context.js';
import { checkNumber } from '../../../src/numeric-options.js';

/** Runs the CLI in this process, with its output captured. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  setOutput({ out: (t) => (out += t), err: (t) => (err += t), isTTY: false, color: false });
  const code = await main(argv);
  return { code, out, err };
}

/** The options of a command that its --help lists as [number]. */
async function numericOptions(command: string): Promise<string[]> {
  const help = await new Promise<string>(async (resolve, reject) => {
    (await buildCli([command, '--help'])).wrap(null).exitProcess(false).parse([command, '--help'], {}, (error, _args, output) => (output ? resolve(output) : reject(error)));
  });
  return [...help.matchAll(/^\s+--([a-z-]+)\b.*\[number\]/gm)].map((m) => m[1]!);
}

// In-process runs of every command: loading all the command modules takes seconds on a loaded machine.
describe('numeric options', { timeout: 60_000 }, () => {
  let dir: string;
  let cwd: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgwarden-numeric-'));
    writeFileSync(join(dir, 'package.json'), '{}\n');
    cwd = process.cwd();
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every [number] option of every command refuses a value that is not a number, a negative or infinite one, and a fraction where a whole number is needed: exit 2 naming it, nothing run', async () => {
    const found: string[] = [];
    for (const [command] of commandLoaders) {
      for (const option of await numericOptions(command)) {
        found.push(`${command} --${option}`);
        const whole = (await run([command, `--${option}`, 'abc'])).err.includes('must be a whole number');
        // 1e400 is Infinity; fractions are fine for seconds only.
        for (const bad of ['abc', '-3', '1e400', ...(whole ? ['1.5'] : [])]) {
          // The URL points at no server: a value that got through would fail to connect (exit 3), not exit 2.
          const r = await run([command, `--${option}`, bad, '--url', 'postgresql://nobody@127.0.0.1:1/none']);
          expect(r.code, `${command} --${option} ${bad}: ${r.err}`).toBe(2);
          expect(r.err).toMatch(new RegExp(`^error\\[USAGE\\]: --${option} must be a (whole number|number of seconds)`));
          expect(r.err).toContain(`e.g. --${option} `);
          expect(r.err).not.toContain('internal error');
        }
      }
    }
    // The audit covers every numeric flag there is; a new one is checked the moment it exists.
    expect(found.sort()).toEqual(['check --wait-for-db', 'deploy --wait-for-db', 'down --count', 'down --wait', 'history --limit', 'init --pg-version', 'up --count', 'up --wait', 'verify --jobs']);
    // Nothing was written by init or anything else.
    expect(readdirSync(dir)).toEqual(['package.json']);
  });

  it('history --limit 0 is refused (it used to print "no events" on a database that has some), and a bare --limit is not read as the default', async () => {
    let r = await run(['history', '--limit', '0', '--url', 'postgresql://nobody@127.0.0.1:1/none']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--limit must be a whole number of at least 1 (got 0). Give how many events to show, newest first, e.g. --limit 20. Nothing was run.');
    r = await run(['history', '--url', 'postgresql://nobody@127.0.0.1:1/none', '--limit']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[USAGE]: Not enough arguments following: limit');
  });

  it('the ranges: seconds may be 0 and fractional, counts may not; init --pg-version is a major version lint knows', async () => {
    expect(checkNumber('--wait', 0, { integer: false, min: 0, meaning: 'x', example: '1' })).toBe(0);
    expect(checkNumber('--wait', 0.5, { integer: false, min: 0, meaning: 'x', example: '1' })).toBe(0.5);
    expect(() => checkNumber('--wait', Infinity, { integer: false, min: 0, meaning: 'x', example: '1' })).toThrow(/--wait must be a number of seconds, at least 0 \(got Infinity\)/);
    const r = await run(['init', '--pg-version', '9', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--pg-version must be a whole number from 10 to 19 (got 9)');
  });
});
