/**
 * Maps a parse tree `location` (a UTF-8 byte offset in the parsed section, as libpg-query reports
 * it) to a character offset within the statement's text, so a finding can point at the column or
 * constraint it is about.
 */
import type { LintStatement } from '../types.js';

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Character offset within `statement.text` of a node location, or undefined when outside it. */
export function offsetInStatement(statement: LintStatement, location: number | undefined): number | undefined {
  if (location === undefined || location < 0) return undefined;
  const section = statement.section === 'up' ? statement.migration.file.up : statement.migration.file.down;
  const before = section?.sql.slice(0, statement.start);
  const startByte = before === undefined || ASCII.test(before) ? statement.start : Buffer.byteLength(before);
  const relative = location - startByte;
  if (relative < 0) return undefined;
  const text = statement.text;
  if (ASCII.test(text)) return relative <= text.length ? relative : undefined;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    if (bytes >= relative) return i;
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i++;
  }
  return bytes >= relative ? text.length : undefined;
}
