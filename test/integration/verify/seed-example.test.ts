import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { adminUrl } from '../../support/db.js';
import { REPO_ROOT } from '../../support/project.js';

// docs/verify.md and docs/cli.md show `pgwarden verify --seed test/seed.sql`: in this repository
// that file exists and fills the reference schema's first tables, and the example runs.
describe('the --seed example of the docs', () => {
  it('names seed files that exist in this repository', () => {
    const texts = ['README.md', 'docs/verify.md', 'docs/cli.md', 'src/cli/commands/verify.ts', 'src/cli/commands/check.ts'].map((f) => readFileSync(join(REPO_ROOT, f), 'utf8'));
    const seeds = texts.flatMap((t) => [...t.matchAll(/--seed ([\w./-]+\.sql)\b/g)].map((m) => m[1]!));
    expect(seeds).toContain('test/seed.sql');
    for (const seed of seeds) expect(existsSync(join(REPO_ROOT, seed)), seed).toBe(true);
  });

  it('runs: the whole reference history verifies with the seed loaded after the jobs table', async () => {
    const r = await runCli(['verify', '--seed', 'test/seed.sql', '--warnings-ok'], { cwd: REPO_ROOT, env: { DATABASE_URL: adminUrl() } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Clean but for warnings: 16 verified, 0 failed/);
  });
});
