/** The documented schema: `pgwarden docs` and `pgwarden docs --check`. */
export { generateDocs, documentDatabase, renderDocs, type DocsOptions, type RenderInput } from './generate.js';
export { writeDocs, type WriteResult } from './write.js';
export { checkDocs, type DocsCheck, type DocsFileCheck } from './check.js';
export { canonicalSnapshot, renameRole, principalOwner, serializeSnapshot, MIGRATOR } from './canonical.js';
export { documentationCoverage, formatCoverage } from './coverage.js';
export { checkSchemaRules, SCHEMA_RULES, type SchemaRule } from './rules/index.js';
export { erDiagram } from './mermaid.js';
export { schemaSql } from './schema-sql.js';
export { readme } from './readme.js';
export { touchedBy } from './touched-by.js';
export { unifiedDiff } from './text-diff.js';
export type * from './types.js';
