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
    if (statement.section !== 'up' || !mayHoldLongIdentifier(statement.text)) return;
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

/**
 * False when no word or quoted name of `text` exceeds 63 bytes, so no identifier can: most
 * statements are ruled out without running the scanner (which also skips comments and strings).
 */
function mayHoldLongIdentifier(text: string): boolean {
  if (text.length < 22) return false; // 63 bytes need 22 UTF-16 units at least
  for (const match of text.matchAll(/[A-Za-z0-9_$\u0080-\uffff]{22,}|"(?:[^"]|"")*"/g)) {
    if (match[0].length > 21 && Buffer.byteLength(match[0]) > 63) return true;
  }
  return false;
}

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
