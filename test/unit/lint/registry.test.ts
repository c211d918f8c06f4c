import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSnippet, lintSources } from '../../../src/lint/engine.js';
import { rules } from '../../../src/lint/registry.js';
import { RULE_IDS } from '../../../src/lint/rule-ids.js';
import type { Rule } from '../../../src/lint/types.js';
import { REPO_ROOT } from '../../support/project.js';

/** SQL of every kind the tests have at hand: squawk's rule test inputs, the reference migrations. */
function corpus(): { snippets: string[]; migrations: Array<{ path: string; text: string }> } {
  const squawk = join(REPO_ROOT, 'test/fixtures/squawk-rule-tests');
  const snippets = readdirSync(squawk).filter((f) => f.endsWith('.sql')).map((f) => readFileSync(join(squawk, f), 'utf8'));
  const migrations = readdirSync(join(REPO_ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).map((f) => ({ path: `migrations/${f}`, text: readFileSync(join(REPO_ROOT, 'migrations', f), 'utf8') }));
  return { snippets, migrations };
}

describe('rule registry', () => {
  it('lists every rule file once, by its file name, each with a docs page', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The config schema's list of rule ids (src/lint/rule-ids.ts) is the registry's.
    expect([...RULE_IDS]).toEqual(ids);
    const files = readdirSync(join(REPO_ROOT, 'src/lint/rules')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect([...ids].sort()).toEqual(files.sort());
    for (const rule of rules) {
      const page = join(REPO_ROOT, 'docs/rules', `${rule.id}.md`);
      expect(existsSync(page), `docs/rules/${rule.id}.md`).toBe(true);
      expect(readFileSync(page, 'utf8').split('\n')[0]).toBe(`# ${rule.id}`);
      expect(rule.description.length).toBeGreaterThan(10);
    }
  });

  it('narrows statement hooks only to kinds and sections on which the rule reports nothing anyway', async () => {
    // The engine skips a rule's hook outside its statementKinds and sections: each rule that
    // declares them must find exactly what it finds when called for every statement.
    const declaring = rules.filter((r) => r.statementKinds || r.sections);
    expect(declaring.length).toBeGreaterThan(20);
    const unnarrowed = declaring.map(({ statementKinds: _k, sections: _s, ...rule }): Rule => rule);
    const { snippets, migrations } = corpus();
    expect(snippets.length).toBeGreaterThan(200);
    const summary = (findings: Array<{ rule: string; file: string; line: number; column: number; message: string }>) => findings.map((f) => `${f.rule} ${f.file}:${f.line}:${f.column} ${f.message}`);
    // The rules that are off unless configured run too.
    const config = { rules: Object.fromEntries(rules.filter((r) => r.defaultSeverity === 'off').map((r) => [r.id, 'warning' as const])) };
    for (const sql of snippets) {
      for (const assumeInTransaction of [false, true]) {
        const narrowed = await lintSnippet(sql, { rules: declaring, assumeInTransaction, config }).catch((error: Error) => error.message);
        const everything = await lintSnippet(sql, { rules: unnarrowed, assumeInTransaction, config }).catch((error: Error) => error.message);
        expect(typeof narrowed === 'string' ? narrowed : summary(narrowed), sql).toEqual(typeof everything === 'string' ? everything : summary(everything));
      }
    }
    // A history with findings: the reference migrations without their ignores, then every snippet
    // as a migration on top of them (so that the rules see a model built by a history).
    const revisions = migrations.map((m) => /--! Revision: (\d+)/.exec(m.text)![1]!).sort();
    let parent = revisions[revisions.length - 1]!;
    const stacked = snippets.map((sql, i) => {
      const revision = `2099${String(i).padStart(10, '0')}`;
      const text = `--! Revision: ${revision}\n--! Revises: ${parent}\n--! Description: Squawk test input ${i}\n\n-- Up Migration\n${sql}\n`;
      parent = revision;
      return { path: `migrations/${revision}_squawk.sql`, text };
    });
    const unignored = migrations.map((m) => ({ ...m, text: m.text.replace(/^.*pgwarden-ignore.*$/gm, '') }));
    const historyOf = async (set: Rule[]) => (await lintSources([...unignored, ...stacked], { root: REPO_ROOT, rules: set, config })).findings;
    const narrowedHistory = await historyOf(declaring);
    expect(summary(narrowedHistory)).toEqual(summary(await historyOf(unnarrowed)));
    // It compares something: findings of most declaring rules, on the reference files too.
    expect(new Set(narrowedHistory.map((f) => f.rule)).size).toBeGreaterThanOrEqual(Math.floor(declaring.length * 0.7));
    expect(narrowedHistory.some((f) => !f.file.endsWith('_squawk.sql'))).toBe(true);
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
