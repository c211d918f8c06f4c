import type { Finding, LintMigration } from './types.js';

/**
 * An inline ignore: `-- pgwarden-ignore <rule>[, <rule>] <reason>` silences those rules on the next
 * statement (or on the statement the comment sits in); `-- pgwarden-ignore-file <rule>[, ...] <reason>`
 * on the whole file.
 */
export interface IgnoreDirective {
  scope: 'next' | 'file';
  rules: string[];
  reason: string;
  /** Where the comment is (1-based). */
  line: number;
  column: number;
  /** Lines the directive covers (inclusive). */
  fromLine: number;
  toLine: number;
  /** Rules whose findings it silenced. */
  used: Set<string>;
}

const DIRECTIVE = /^(\s*)(?:--|\/\/)\s*pgwarden-ignore(-file)?\b(.*)$/;
const RULE_ID = /^[a-z0-9][a-z0-9-]*$|^\*$/;

/** Splits `rule-a, rule-b the reason` into rules and reason. */
export function parseDirectiveBody(body: string): { rules: string[]; reason: string } {
  const tokens = body.trim().split(/\s+/).filter(Boolean);
  const rules: string[] = [];
  let i = 0;
  let expectMore = true;
  while (i < tokens.length && expectMore) {
    const token = tokens[i]!;
    const parts = token.split(',');
    const names = parts.filter((p) => p.length > 0);
    if (names.length === 0 || !names.every((n) => RULE_ID.test(n))) break;
    rules.push(...names);
    expectMore = token.endsWith(',');
    i++;
    if (!expectMore && tokens[i] === ',') {
      expectMore = true;
      i++;
    }
  }
  return { rules, reason: tokens.slice(i).join(' ') };
}

/** Finds the ignore directives of a migration file and the lines each covers. */
export function findIgnores(migration: LintMigration): IgnoreDirective[] {
  const text = migration.file.text;
  if (!text.includes('pgwarden-ignore')) return [];
  const lines = text.split('\n');
  const statements = [...migration.up, ...migration.down];
  const out: IgnoreDirective[] = [];
  lines.forEach((raw, i) => {
    const match = DIRECTIVE.exec(raw.replace(/\r$/, ''));
    if (!match) return;
    const line = i + 1;
    const { rules, reason } = parseDirectiveBody(match[3] ?? '');
    const directive: IgnoreDirective = { scope: match[2] ? 'file' : 'next', rules, reason, line, column: (match[1]?.length ?? 0) + 1, fromLine: 1, toLine: lines.length, used: new Set() };
    if (directive.scope === 'next') {
      const inside = statements.find((s) => s.line <= line && line <= s.endLine);
      const next = inside ?? statements.filter((s) => s.line > line).sort((a, b) => a.line - b.line)[0];
      if (next) {
        directive.fromLine = inside ? inside.line : line + 1;
        directive.toLine = next.endLine;
      } else {
        // No statement follows (a header line, say): the next non-blank line.
        let target = i + 1;
        while (target < lines.length && lines[target]!.trim() === '') target++;
        directive.fromLine = line + 1;
        directive.toLine = Math.min(target + 1, lines.length);
      }
    }
    out.push(directive);
  });
  return out;
}

/** True when a directive silences a finding (and marks it used). */
export function suppresses(directive: IgnoreDirective, finding: Finding): boolean {
  if (finding.line < directive.fromLine || finding.line > directive.toLine) return false;
  const hit = directive.rules.includes(finding.rule) || directive.rules.includes('*');
  if (hit) directive.used.add(finding.rule);
  return hit;
}
