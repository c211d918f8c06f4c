import { SARIF_BASES, sarifArtifact } from '../../lint/format/sarif.js';
import { VERSION } from '../../version.js';
import type { VerifyReport, VerifyRuleId } from '../types.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** One line on what each verify rule checks, for SARIF rule metadata. */
export const VERIFY_RULES: Record<VerifyRuleId, { description: string; level: 'error' | 'warning' }> = {
  'down-restores-schema': { description: 'Down restores exactly the schema that was there before up', level: 'error' },
  'down-fails': { description: 'Down runs without error after up', level: 'error' },
  'up-fails': { description: 'Up runs without error on the schema the previous migrations build', level: 'error' },
  'up-reapplies': { description: 'Up applied again after down succeeds and gives the same schema', level: 'error' },
  'blocking-lock': { description: 'No scan of a pre-existing table while holding a lock that blocks writes', level: 'error' },
  'table-rewrite': { description: 'No rewrite of a pre-existing table', level: 'error' },
  'brief-exclusive-lock': { description: 'ACCESS EXCLUSIVE or SHARE lock on a pre-existing table', level: 'warning' },
};

/**
 * SARIF 2.1.0, in the shape of lint's: each finding located at its migration file, named from the
 * top of the git repository when `options.projectPath` says where the project is in it
 * (`projectPathInRepository()`).
 */
export function formatVerifySarif(report: VerifyReport, options: { projectPath?: string | undefined } = {}): string {
  const ids = Object.keys(VERIFY_RULES) as VerifyRuleId[];
  const index = new Map(ids.map((id, i) => [id, i]));
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pgwarden',
            version: VERSION,
            informationUri: 'https://github.com/pgwarden/pgwarden',
            rules: ids.map((id) => ({
              id,
              name: id,
              shortDescription: { text: VERIFY_RULES[id].description },
              helpUri: `https://github.com/pgwarden/pgwarden/blob/main/docs/verify.md#${id}`,
              defaultConfiguration: { level: VERIFY_RULES[id].level },
              properties: { tags: ['verify'] },
            })),
          },
        },
        originalUriBaseIds: SARIF_BASES,
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId),
          level: f.level,
          message: { text: [f.message, ...f.details.map((d) => `- ${d}`), f.lintRule ? `Lint rule that warns about it: ${f.lintRule}` : undefined].filter(Boolean).join('\n') },
          locations: [{ physicalLocation: { artifactLocation: sarifArtifact(options.projectPath, f.file), region: { startLine: f.line } } }],
          properties: { revision: f.revision, ...(f.lintRule ? { lintRule: f.lintRule } : {}) },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
