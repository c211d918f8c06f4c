import type { LintReport } from '../engine.js';
import { fromRepositoryTop } from '../repository-path.js';
import type { FormatContext } from './types.js';

/** Escapes a workflow command's message. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands: one `::error` or `::warning` annotation per finding, its file
 * named from the top of the git repository when `context.projectPath` says where the project is.
 */
export function formatGithub(report: LintReport, context?: Pick<FormatContext, 'projectPath'>): string {
  const lines = report.findings.map((f) => {
    const props = [`file=${escapeProperty(fromRepositoryTop(context?.projectPath, f.file))}`, `line=${f.line}`, `col=${f.column}`];
    if (f.endLine !== undefined) props.push(`endLine=${f.endLine}`);
    if (f.endColumn !== undefined && f.endLine === f.line) props.push(`endColumn=${f.endColumn}`);
    props.push(`title=${escapeProperty(`pgwarden ${f.rule}`)}`);
    const body = [f.message, f.help ? `help: ${f.help}` : undefined, f.fix ? `fix: ${f.fix.description}` : undefined].filter(Boolean).join('\n');
    return `::${f.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(body)}`;
  });
  const summary = `pgwarden lint: ${report.counts.error} error(s), ${report.counts.warning} warning(s) in ${report.migrations} migration(s)`;
  return `${[...lines, summary].join('\n')}\n`;
}
