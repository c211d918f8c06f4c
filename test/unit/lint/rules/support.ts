/** Helpers for rule tests: lint a snippet or a small history with one rule enabled. */
import { lintSnippet, lintSources } from '../../../../src/lint/engine.js';
import type { LintConfigResolved } from '../../../../src/lint/config.js';
import { ruleById } from '../../../../src/lint/registry.js';
import type { Finding, Rule } from '../../../../src/lint/types.js';
import { sqlMigration } from '../../../support/project.js';

function ruleOf(id: string): Rule {
  const rule = ruleById(id);
  if (!rule) throw new Error(`rule ${id} is not registered`);
  return rule;
}

export interface SnippetOptions {
  postgresVersion?: number;
  /** Default true: pgwarden runs a migration in a transaction unless `--! Transaction: none`. */
  assumeInTransaction?: boolean;
  config?: Partial<LintConfigResolved>;
}

/** Findings of rule `id` for `sql` linted as the up section of one migration. */
export async function lintRule(id: string, sql: string, options: SnippetOptions = {}): Promise<Finding[]> {
  const findings = await lintSnippet(sql, {
    postgresVersion: options.postgresVersion ?? 18,
    assumeInTransaction: options.assumeInTransaction ?? true,
    rules: [ruleOf(id)],
    ...(options.config ? { config: options.config } : {}),
  });
  return findings.filter((f) => f.rule === id);
}

/** The messages of rule `id` for `sql`. */
export async function messages(id: string, sql: string, options: SnippetOptions = {}): Promise<string[]> {
  return (await lintRule(id, sql, options)).map((f) => f.message);
}

export interface TestMigration {
  revision: string;
  up: string;
  down?: string;
  /** Extra header lines, e.g. `--! Transaction: none`. */
  header?: string[];
}

/** Findings of rule `id` for a linear history of migrations (each revises the one before). */
export async function lintHistory(id: string, migrations: TestMigration[], config: Partial<LintConfigResolved> = {}): Promise<Finding[]> {
  const sources = migrations.map((m, i) => ({
    path: `migrations/${m.revision}_test.sql`,
    text: sqlMigration(m.revision, i > 0 ? migrations[i - 1]!.revision : undefined, m.up, m.down, m.header ?? []),
  }));
  const report = await lintSources(sources, { root: '/project', rules: [ruleOf(id)], config: { postgresVersion: 18, ...config } });
  return report.findings.filter((f) => f.rule === id);
}
