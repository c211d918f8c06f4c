import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { codeCachePath } from '../../../src/cli/code-cache.js';

// Each load runs in its own process, as bin/pgwarden.js does: the cache is written when the process
// exits, and V8 accepts or rejects it when a new process compiles the file.
const loader = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'code-cache.ts')).href;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function moduleFile(): string {
  dir = mkdtempSync(join(tmpdir(), 'pgwarden-code-cache-'));
  const file = join(dir, 'mod.cjs');
  // A module with a lazily compiled function and a dynamic import, as the lint bundle has.
  writeFileSync(file, 'exports.answer = (n) => n * 2;\nexports.sep = () => __pgwardenImport("node:path").then((m) => m.sep);\n');
  return file;
}

/** Loads `file` in a new Node process; returns the cache state and what the module computed. */
function load(file: string, env: NodeJS.ProcessEnv = {}): { state: string; answer: number; sep: string } {
  const script = `
    const { loadWithCodeCache } = await import(${JSON.stringify(loader)});
    const { state, exports } = loadWithCodeCache(${JSON.stringify(file)});
    console.log(JSON.stringify({ state, answer: exports.answer(21), sep: await exports.sep() }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', PGWARDEN_CODE_CACHE: '', ...env },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

describe('loadWithCodeCache', () => {
  it('writes the cache on the first run and compiles from it on the next', () => {
    const file = moduleFile();
    expect(load(file)).toEqual({ state: 'missing', answer: 42, sep: '/' });
    expect(existsSync(codeCachePath(file))).toBe(true);
    // The dynamic import still works from cached code (V8 drops the script's own import callback).
    expect(load(file)).toEqual({ state: 'accepted', answer: 42, sep: '/' });
  });

  it('rejects a cache that does not match, still runs, and writes a good one', () => {
    const file = moduleFile();
    load(file);
    writeFileSync(codeCachePath(file), Buffer.from('not a code cache'));
    expect(load(file)).toEqual({ state: 'rejected', answer: 42, sep: '/' });
    expect(load(file).state).toBe('accepted');
    // Another source: the old cache no longer fits it.
    writeFileSync(file, `${readFileSync(file, 'utf8')}exports.more = 1;\n`);
    expect(load(file).state).toBe('rejected');
    expect(load(file).state).toBe('accepted');
  });

  it('never runs bytecode of another source of the same length (V8 checks only the length)', () => {
    const file = moduleFile();
    load(file);
    expect(load(file).state).toBe('accepted');
    writeFileSync(file, readFileSync(file, 'utf8').replace('n * 2', 'n * 3'));
    expect(load(file)).toEqual({ state: 'rejected', answer: 63, sep: '/' });
    expect(load(file)).toEqual({ state: 'accepted', answer: 63, sep: '/' });
  });

  it('neither reads nor writes with PGWARDEN_CODE_CACHE=off', () => {
    const file = moduleFile();
    expect(load(file, { PGWARDEN_CODE_CACHE: 'off' })).toEqual({ state: 'off', answer: 42, sep: '/' });
    expect(existsSync(codeCachePath(file))).toBe(false);
    load(file);
    expect(load(file, { PGWARDEN_CODE_CACHE: 'off' }).state).toBe('off');
  });
});
