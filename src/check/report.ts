/**
 * Renderings of a `pgwarden check` report: the summary table, Markdown for a CI job summary, one
 * SARIF log for code scanning (lint and verify as two runs), and GitHub workflow annotations.
 */
import { formatGithub, escapeData, escapeProperty } from '../lint/format/github.js';
import { formatSarif } from '../lint/format/sarif.js';
import { join } from 'node:path';
import { fromRepositoryTop } from '../lint/repository-path.js';
import type { RuleMeta } from '../lint/types.js';
import { formatVerifySarif } from '../verify/format/sarif.js';
import { rolesLeftLines } from '../verify/format/text.js';
import { VERSION } from '../version.js';
import type { CheckReport, CheckStep } from './types.js';

const STATUS_WORD: Record<CheckStep['status'], string> = { passed: 'passed', failed: 'FAILED', skipped: 'skipped', error: 'ERROR' };

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The verdict line under the table. */
export function checkVerdict(report: CheckReport): string {
  const bad = report.steps.filter((s) => s.status === 'failed' || s.status === 'error');
  if (bad.length === 0) return `pgwarden check passed in ${seconds(report.durationMs)}.`;
  return `pgwarden check failed (exit ${report.exitCode}): ${bad.map((s) => `${s.name} ${s.status === 'error' ? `could not run [${s.error?.code}]` : 'found problems'}`).join(', ')}.`;
}

/**
 * The summary table: one row per step with its result, error and warning counts, time and what it
 * saw. `paint` colours the result column on a terminal.
 */
export function formatCheckTable(report: CheckReport, paint: (status: CheckStep['status'], text: string) => string = (_s, t) => t): string {
  const header = ['step', 'result', 'errors', 'warnings', 'time', 'summary'];
  const rows = report.steps.map((s) => [s.name, STATUS_WORD[s.status], String(s.errors), String(s.warnings), seconds(s.durationMs), s.summary]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([2, 3, 4]);
  const cell = (text: string, i: number) => (i === header.length - 1 ? text : right.has(i) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const lines = [header.map(cell).join('  ').trimEnd(), widths.map((w, i) => '-'.repeat(i === header.length - 1 ? Math.min(w, 40) : w)).join('  ')];
  report.steps.forEach((s, k) => {
    const row = rows[k]!.map(cell);
    row[1] = paint(s.status, row[1]!);
    lines.push(row.join('  ').trimEnd());
  });
  return `${lines.join('\n')}\n${checkVerdict(report)}\n`;
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Markdown for a CI job summary or a pull request comment: the table, then what failed. Files are
 * named from the top of the git repository, as GitHub shows them (and as the SARIF results and
 * annotations name them); `schemaFolder` is the project's.
 */
export function formatCheckMarkdown(report: CheckReport, schemaFolder = 'schema', options: CheckRenderOptions = {}): string {
  const top = (file: string) => fromRepositoryTop(options.projectPath, file);
  const icon: Record<CheckStep['status'], string> = { passed: '✅', failed: '❌', skipped: '⏭️', error: '⚠️' };
  const out = [`## pgwarden check: ${report.clean ? 'passed' : 'failed'}`, ''];
  if (report.database) out.push(`Throwaway database: \`${report.database}\``, '');
  out.push('| step | result | errors | warnings | time | summary |', '|---|---|---:|---:|---:|---|');
  for (const s of report.steps) out.push(`| ${s.name} | ${icon[s.status]} ${s.status} | ${s.errors} | ${s.warnings} | ${seconds(s.durationMs)} | ${mdEscape(s.summary)} |`);
  out.push('');
  const lintFindings = report.lint?.findings ?? [];
  if (lintFindings.length > 0) {
    out.push('### lint', '');
    for (const f of lintFindings.slice(0, 50)) out.push(`- **${f.severity}** \`${f.rule}\` ${top(f.file)}:${f.line}:${f.column}: ${mdEscape(f.message)}`);
    if (lintFindings.length > 50) out.push(`- ... and ${lintFindings.length - 50} more (see the SARIF results)`);
    out.push('');
  }
  const verifyFindings = report.verify?.findings ?? [];
  const rolesLeft = report.verify ? rolesLeftLines(report.verify) : [];
  if (verifyFindings.length > 0 || rolesLeft.length > 0) {
    out.push('### verify', '');
    for (const f of verifyFindings.slice(0, 50)) {
      out.push(`- **${f.level}** \`${f.ruleId}\` ${top(f.file)}:${f.line}: ${mdEscape(f.message)}`);
      for (const d of f.details.slice(0, 20)) out.push(`  - ${mdEscape(d)}`);
    }
    for (const line of rolesLeft) out.push(`- warning: ${mdEscape(line)}`);
    out.push('');
  }
  if (report.docs && (report.docs.stale.length > 0 || report.docs.findings.length > 0)) {
    out.push('### docs', '');
    // A stale entry is a file name, with ' (missing)' when there is no such file.
    const stale = report.docs.stale.map((entry) => {
      const [, name, missing] = /^(.*?)( \(missing\))?$/.exec(entry)!;
      return `\`${top(join(schemaFolder, name!))}\`${missing ?? ''}`;
    });
    if (stale.length > 0) out.push(`Stale: ${stale.join(', ')}. Run \`pgwarden docs\` and commit the result.`, '');
    // The diff's headers name the files from the project: from the top, as above.
    const diff = report.docs.diff.slice(0, 80).map((line) => (/^(---|\+\+\+) /.test(line) ? `${line.slice(0, 4)}${top(line.slice(4))}` : line));
    if (diff.length > 0) out.push('```diff', ...diff, '```', '');
    for (const f of report.docs.findings.slice(0, 50)) out.push(`- **${f.severity}** \`${f.rule}\` ${f.object}: ${mdEscape(f.message)}`);
    out.push('');
  }
  if (report.roles) {
    const r = report.roles;
    out.push('### roles', '', `\`${top(r.file)}\`${r.environment ? ` (environment ${r.environment})` : ''}: ${r.plan.changes.length} statement(s) on the empty schema's database${r.replan ? `; after applying them, ${r.replan.changes.length} left` : ''}.`, '');
    const left = r.replan?.changes ?? [];
    if (left.length > 0) out.push('```sql', ...left.map((c) => `${c.sql};`), '```', '');
    for (const w of r.plan.warnings) out.push(`- warning: ${mdEscape(w)}`);
    if (r.plan.warnings.length > 0) out.push('');
  }
  for (const s of report.steps.filter((x) => x.status === 'error')) out.push(`### ${s.name}: could not run`, '', '```', s.error?.message ?? s.summary, '```', '');
  return `${out.join('\n')}\n`;
}

/** Where the project is in its git repository, for the renderings GitHub reads (`projectPathInRepository()`). */
export interface CheckRenderOptions {
  /** The project's folder from the top of the repository (`packages/db`); `` or absent at the top or outside git. */
  projectPath?: string | undefined;
}

/**
 * One SARIF 2.1.0 log with a run for lint and one for verify (each only when the step ran), files
 * named from the top of the git repository.
 */
export function formatCheckSarif(report: CheckReport, lintRules: readonly RuleMeta[], options: CheckRenderOptions = {}): string {
  const runs: unknown[] = [];
  const { projectPath } = options;
  if (report.lint) runs.push(...(JSON.parse(formatSarif(report.lint, { source: () => undefined, color: false, rules: lintRules, version: VERSION, projectPath })) as { runs: unknown[] }).runs);
  if (report.verify) {
    const verifyRuns = (JSON.parse(formatVerifySarif(report.verify, { projectPath })) as { runs: Array<Record<string, unknown>> }).runs;
    // Two runs of the same tool: automationDetails tells code scanning which is which.
    for (const run of verifyRuns) runs.push({ ...run, automationDetails: { id: 'pgwarden/verify/' } });
  }
  if (runs.length > 0 && report.lint) (runs[0] as Record<string, unknown>).automationDetails = { id: 'pgwarden/lint/' };
  return `${JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs }, null, 2)}\n`;
}

/**
 * GitHub Actions workflow commands: an annotation per lint and verify finding, and one per failed
 * step. Files are named from the top of the git repository; `schemaFolder` is the project's.
 */
export function formatCheckAnnotations(report: CheckReport, schemaFolder = 'schema', options: CheckRenderOptions = {}): string {
  const lines: string[] = [];
  const { projectPath } = options;
  if (report.lint && report.lint.findings.length > 0) lines.push(...formatGithub(report.lint, { projectPath }).trimEnd().split('\n').slice(0, -1));
  for (const f of report.verify?.findings ?? []) {
    const body = [f.message, ...f.details.map((d) => `- ${d}`), f.lintRule ? `lint rule that warns about it: ${f.lintRule}` : undefined].filter(Boolean).join('\n');
    lines.push(`::${f.level === 'error' ? 'error' : 'warning'} file=${escapeProperty(fromRepositoryTop(projectPath, f.file))},line=${f.line},title=${escapeProperty(`pgwarden verify ${f.ruleId}`)}::${escapeData(body)}`);
  }
  if (report.docs && report.docs.stale.length > 0) {
    lines.push(`::error file=${escapeProperty(fromRepositoryTop(projectPath, `${schemaFolder}/${report.docs.stale[0]}`))},title=${escapeProperty('pgwarden docs')}::${escapeData(`${report.docs.stale.join(', ')} differ from what the migrations produce: run pgwarden docs and commit the result.`)}`);
  }
  for (const s of report.steps) {
    if (s.status === 'error') lines.push(`::error title=${escapeProperty(`pgwarden check: ${s.name}`)}::${escapeData(s.error?.message ?? s.summary)}`);
    if (s.name === 'roles' && s.status === 'failed') lines.push(`::error title=${escapeProperty('pgwarden roles')}::${escapeData(s.summary)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The report as JSON for programs (`--format json`). */
export function checkJson(report: CheckReport) {
  return {
    clean: report.clean,
    exitCode: report.exitCode,
    durationMs: report.durationMs,
    database: report.database ?? null,
    steps: report.steps,
    lint: report.lint ? { counts: report.lint.counts, findings: report.lint.findings } : null,
    verify: report.verify
      ? {
          clean: report.verify.clean,
          findings: report.verify.findings,
          migrations: report.verify.migrations.map((m) => ({ revision: m.revision, name: m.name, file: m.file, outcome: m.outcome, durationMs: m.durationMs })),
          ...(report.verify.rolesLeft ? { rolesLeft: report.verify.rolesLeft } : {}),
        }
      : null,
    docs: report.docs ?? null,
    roles: report.roles
      ? {
          file: report.roles.file,
          environment: report.roles.environment ?? null,
          planned: report.roles.plan.changes.map((c) => ({ group: c.group, sql: c.sql, reason: c.reason })),
          applied: report.roles.applied ?? null,
          remaining: report.roles.replan ? report.roles.replan.changes.map((c) => ({ group: c.group, sql: c.sql, reason: c.reason })) : null,
          warnings: report.roles.plan.warnings,
        }
      : null,
  };
}
