/** Helpers for tests of the governance rules: small histories of SQL migration files. */
import { lintSources, type LintSource } from '../../../src/lint/engine.js';
import type { LintConfigResolved } from '../../../src/lint/config.js';
import { ruleById, rules as allRules } from '../../../src/lint/registry.js';
import type { Finding, Rule } from '../../../src/lint/types.js';

export interface FileSpec {
  revision: string;
  /** Parent revision; omit for the first migration. */
  revises?: string;
  description?: string;
  /** Extra header lines, e.g. `--! Transaction: none`. */
  header?: string[];
  up: string;
  /** The down section; omit for none. */
  down?: string;
  /** File name (default `<revision>_change.sql`). */
  name?: string;
}

/** A migration file's text from a spec. */
export function migrationText(spec: FileSpec): string {
  return [
    `--! Revision: ${spec.revision}`,
    ...(spec.revises ? [`--! Revises: ${spec.revises}`] : []),
    `--! Description: ${spec.description ?? `Change number ${spec.revision}`}`,
    ...(spec.header ?? []),
    '',
    '-- Up Migration',
    spec.up,
    ...(spec.down !== undefined ? ['', '-- Down Migration', spec.down] : []),
    '',
  ].join('\n');
}

export function source(spec: FileSpec): LintSource {
  return { path: `migrations/${spec.name ?? `${spec.revision}_change.sql`}`, text: migrationText(spec) };
}

/** A linear history: each spec revises the one before unless it says otherwise. */
export function chain(specs: Array<Omit<FileSpec, 'revision'> & { revision?: string }>): FileSpec[] {
  const out: FileSpec[] = [];
  specs.forEach((spec, i) => {
    const revision = spec.revision ?? `2026010100${String(i).padStart(2, '0')}00`;
    out.push({ ...spec, revision, ...(spec.revises === undefined && i > 0 ? { revises: out[i - 1]!.revision } : {}) });
  });
  return out;
}

function rulesFor(ids: string[] | undefined): readonly Rule[] {
  if (!ids) return allRules;
  return ids.map((id) => {
    const rule = ruleById(id);
    if (!rule) throw new Error(`rule ${id} is not registered`);
    return rule;
  });
}

/** Lints sources (specs or raw files) with the given rules (default: all). */
export async function lint(files: Array<FileSpec | LintSource>, options: { rules?: string[]; config?: Partial<LintConfigResolved> } = {}): Promise<Finding[]> {
  const sources = files.map((f) => ('text' in f ? f : source(f)));
  const report = await lintSources(sources, { root: '/project', rules: rulesFor(options.rules), config: { postgresVersion: 18, runnerSetsLockTimeout: true, ...options.config } });
  return report.findings;
}

/** `file:line rule: message` lines, for compact assertions. */
export function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.file.replace(/^migrations\//, '')}:${f.line} ${f.rule}: ${f.message}`);
}
