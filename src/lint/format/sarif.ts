import type { LintReport } from '../engine.js';
import type { Finding, TextEdit } from '../types.js';
import type { FormatContext } from './types.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function location(f: Finding) {
  return {
    physicalLocation: {
      artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' },
      region: {
        startLine: f.line,
        startColumn: f.column,
        ...(f.endLine !== undefined ? { endLine: f.endLine } : {}),
        ...(f.endColumn !== undefined ? { endColumn: f.endColumn } : {}),
      },
    },
  };
}

/** A SARIF fix: exactly the fix's edit (an empty deleted region inserts). */
function fixOf(f: Finding, description: string, edit: TextEdit) {
  const { startLine, startColumn, endLine, endColumn, text } = edit;
  return {
    description: { text: description },
    artifactChanges: [{ artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, replacements: [{ deletedRegion: { startLine, startColumn, endLine, endColumn }, insertedContent: { text } }] }],
  };
}

/** SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps). */
export function formatSarif(report: LintReport, context: FormatContext): string {
  const ids = [...new Set([...context.rules.map((r) => r.id), ...report.findings.map((f) => f.rule)])];
  const meta = new Map(context.rules.map((r) => [r.id, r]));
  const index = new Map(ids.map((id, i) => [id, i]));
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pgwarden',
            version: context.version,
            informationUri: 'https://github.com/pgwarden/pgwarden',
            rules: ids.map((id) => ({
              id,
              name: id,
              shortDescription: { text: meta.get(id)?.description ?? id },
              helpUri: `https://github.com/pgwarden/pgwarden/blob/main/docs/rules/${id}.md`,
              defaultConfiguration: { level: meta.get(id)?.defaultSeverity ?? 'warning' },
              properties: { tags: [meta.get(id)?.kind ?? 'governance'] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: './' } },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: f.severity === 'error' ? 'error' : 'warning',
          message: { text: [f.message, f.help, f.fix ? `Fix: ${f.fix.description}` : undefined].filter(Boolean).join('\n\n') },
          locations: [location(f)],
          ...(f.fix?.edit ? { fixes: [fixOf(f, f.fix.description, f.fix.edit)] } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
