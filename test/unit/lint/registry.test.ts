import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../../src/lint/registry.js';
import { REPO_ROOT } from '../../support/project.js';

describe('rule registry', () => {
  it('lists every rule file once, by its file name, each with a docs page', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const files = readdirSync(join(REPO_ROOT, 'src/lint/rules')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect([...ids].sort()).toEqual(files.sort());
    for (const rule of rules) {
      const page = join(REPO_ROOT, 'docs/rules', `${rule.id}.md`);
      expect(existsSync(page), `docs/rules/${rule.id}.md`).toBe(true);
      expect(readFileSync(page, 'utf8').split('\n')[0]).toBe(`# ${rule.id}`);
      expect(rule.description.length).toBeGreaterThan(10);
    }
  });

  it('has the governance rules the issue names', () => {
    const governance = rules.filter((r) => r.kind === 'governance').map((r) => r.id);
    expect(governance).toEqual(
      expect.arrayContaining([
        'syntax-error', 'revision-header', 'revision-unique', 'revision-chain', 'single-head', 'require-docstring', 'require-down', 'down-reverses-up',
        'irreversible-operation', 'fk-target-exists', 'drop-order', 'transaction-nesting', 'ban-concurrent-index-creation-in-transaction', 'unused-ignore',
      ]),
    );
  });
});
