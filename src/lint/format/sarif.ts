import type { LintReport } from '../engine.js';
import { fromRepositoryTop } from '../repository-path.js';
import type { Finding, Severity, TextEdit } from '../types.js';
import type { FormatContext } from './types.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * The one base of every artifact location: the top of the git repository, which is where GitHub's
 * code scanning resolves relative URIs. Its absolute URI is left out, which SARIF 2.1.0 allows for
 * a base of its own (a relative one, as the `./` given before, it does not): the log reads the same
 * on every machine, and each consumer knows where its checkout is.
 */
export const SARIF_BASES = {
  '%SRCROOT%': { description: { text: 'The top of the git repository the project is in (the project folder when it is in none). Artifact URIs are relative to it.' } },
} as const;

/**
 * An artifact location: the project-relative `file` from the top of the repository, each segment
 * percent-encoded (a URI reference), relative to %SRCROOT%.
 */
export function sarifArtifact(projectPath: string | undefined, file: string) {
  return { uri: fromRepositoryTop(projectPath, file).split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function location(f: Finding, projectPath: string | undefined) {
  return {
    physicalLocation: {
      artifactLocation: sarifArtifact(projectPath, f.file),
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
function fixOf(f: Finding, description: string, edit: TextEdit, projectPath: string | undefined) {
  const { startLine, startColumn, endLine, endColumn, text } = edit;
  return {
    description: { text: description },
    artifactChanges: [{ artifactLocation: sarifArtifact(projectPath, f.file), replacements: [{ deletedRegion: { startLine, startColumn, endLine, endColumn }, insertedContent: { text } }] }],
  };
}

/** A rule's default in SARIF: its level, or disabled for a rule that is off unless configured. */
function defaultConfiguration(severity: Severity | 'off' | undefined): { level: Severity } | { enabled: false; level: Severity } {
  return severity === 'off' ? { enabled: false, level: 'warning' } : { level: severity ?? 'warning' };
}

/**
 * SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps). Files are named from the top of
 * the git repository when `context.projectPath` says where the project is in it.
 */
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
              defaultConfiguration: defaultConfiguration(meta.get(id)?.defaultSeverity),
              properties: { tags: [meta.get(id)?.kind ?? 'governance'] },
            })),
          },
        },
        originalUriBaseIds: SARIF_BASES,
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: f.severity === 'error' ? 'error' : 'warning',
          message: { text: [f.message, f.help, f.fix ? `Fix: ${f.fix.description}` : undefined].filter(Boolean).join('\n\n') },
          locations: [location(f, context.projectPath)],
          ...(f.fix?.edit ? { fixes: [fixOf(f, f.fix.description, f.fix.edit, context.projectPath)] } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
