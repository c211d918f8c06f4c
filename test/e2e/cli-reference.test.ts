import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project.js';

const run = promisify(execFile);

describe('docs/cli.md', () => {
  it('is what the built CLI prints for each command (checks/gen-cli-reference)', async () => {
    const { stdout } = await run(join(REPO_ROOT, 'node_modules/.bin/zx'), [join(REPO_ROOT, 'checks/gen-cli-reference'), '--stdout'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
    const committed = readFileSync(join(REPO_ROOT, 'docs/cli.md'), 'utf8');
    // A plain equality would print the whole file; name the first section that differs instead.
    const sections = (text: string) => text.split(/^(?=## )/m);
    const generated = sections(stdout);
    const differing = generated.find((section, i) => section !== sections(committed)[i])?.split('\n')[0];
    expect(differing, 'run: npm run build && npx zx checks/gen-cli-reference').toBeUndefined();
    expect(stdout).toBe(committed);
    for (const command of ['check', 'deploy', 'init', 'adopt', 'baseline', 'lint', 'verify', 'docs', 'roles']) expect(stdout).toContain(`## pgwarden ${command}\n`);
  });
});
