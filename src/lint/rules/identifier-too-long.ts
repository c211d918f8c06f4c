import { scanIdentifiers } from '../analysis/identifiers.js';
import type { Rule } from '../types.js';

const MAX_BYTES = 63;

/** Identifiers longer than 63 bytes, which PostgreSQL silently truncates. */
export const rule: Rule = {
  id: 'identifier-too-long',
  description: 'Identifiers longer than 63 bytes, which PostgreSQL silently truncates (two long names can end up the same).',
  defaultSeverity: 'warning',
  kind: 'style',
  sections: ['up'],
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
          replaces: 'statement',
        },
      });
    }
  },
};

/**
 * False when no word or quoted name of `text` exceeds 63 bytes, so no identifier can: most
 * statements are ruled out without running the scanner (which also skips comments and strings).
 * A character loop: a regular expression for the same test cost three times the whole rule.
 */
function mayHoldLongIdentifier(text: string): boolean {
  const n = text.length;
  if (n < 22) return false; // 63 bytes need 22 UTF-16 units at least
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // A quoted name ends at a quote that is not doubled ("" is a quote inside the name).
      let end = text.indexOf('"', i + 1);
      while (end >= 0 && text.charCodeAt(end + 1) === 34) end = text.indexOf('"', end + 2);
      if (end < 0) end = n;
      if (end - i > 21 && Buffer.byteLength(text.slice(i + 1, end).replace(/""/g, '"')) > 63) return true;
      i = end;
      bytes = 0;
      continue;
    }
    const word = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 0x80;
    if (!word) {
      bytes = 0;
      continue;
    }
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (bytes > 63) return true;
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
