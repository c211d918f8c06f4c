import { scanIdentifiers } from '../analysis/identifiers.js';
import type { Rule } from '../types.js';

const MAX_BYTES = 63;

/** Identifiers longer than 63 bytes, which PostgreSQL silently truncates. */
export const rule: Rule = {
  id: 'identifier-too-long',
  description: 'Identifiers longer than 63 bytes, which PostgreSQL silently truncates (two long names can end up the same).',
  defaultSeverity: 'warning',
  kind: 'style',
  statement(statement, _model, ctx) {
    if (statement.section !== 'up') return;
    for (const identifier of scanIdentifiers(statement.text)) {
      const bytes = Buffer.byteLength(identifier.name);
      if (bytes <= MAX_BYTES) continue;
      const truncated = truncateToBytes(identifier.name, MAX_BYTES);
      const replacementToken = identifier.quoted ? `"${truncated.replace(/"/g, '""')}"` : truncated;
      ctx.report({
        at: statement,
        offset: identifier.start,
        message: `Identifier "${identifier.name}" is ${bytes} bytes long: PostgreSQL silently truncates it to 63 bytes ("${truncated}").`,
        help: 'Use a name of at most 63 bytes, so that the name in the database is the one in the migration.',
        fix: {
          description: `Rename to ${replacementToken}`,
          replacement: statement.text.slice(0, identifier.start) + replacementToken + statement.text.slice(identifier.end),
        },
      });
    }
  },
};

/** The longest prefix of `text` that fits in `max` UTF-8 bytes (cut between characters, unlike PostgreSQL). */
function truncateToBytes(text: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > max) break;
    bytes += size;
    out += char;
  }
  return out;
}
