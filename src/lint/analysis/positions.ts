/**
 * Maps a parse tree `location` (a UTF-8 byte offset in the parsed section, as libpg-query reports
 * it) to a character offset within the statement's text, so a finding can point at the column or
 * constraint it is about.
 */
import type { LintMigration, LintStatement } from '../types.js';

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Per migration and section, the UTF-8 byte offset of each statement's start (by statement index),
 * computed in one pass over the section the first time a finding asks: testing and measuring the
 * text before a statement on every call made a section with thousands of findings quadratic
 * (seconds for a 1 MB schema dump).
 */
const startBytes = new WeakMap<LintMigration, { up?: number[]; down?: number[] }>();

function startByteOf(statement: LintStatement): number {
  let bySection = startBytes.get(statement.migration);
  if (!bySection) startBytes.set(statement.migration, (bySection = {}));
  let offsets = bySection[statement.section];
  if (!offsets) {
    const section = statement.section === 'up' ? statement.migration.file.up : statement.migration.file.down;
    const statements = statement.section === 'up' ? statement.migration.up : statement.migration.down;
    const sql = section?.sql;
    offsets = [];
    if (sql === undefined || ASCII.test(sql)) for (const s of statements) offsets.push(s.start);
    else {
      let chars = 0;
      let bytes = 0;
      for (const s of statements) {
        bytes += Buffer.byteLength(sql.slice(chars, s.start));
        chars = s.start;
        offsets.push(bytes);
      }
    }
    bySection[statement.section] = offsets;
  }
  return offsets[statement.index] ?? statement.start;
}

/** Character offset within `statement.text` of a node location, or undefined when outside it. */
export function offsetInStatement(statement: LintStatement, location: number | undefined): number | undefined {
  if (location === undefined || location < 0) return undefined;
  const startByte = startByteOf(statement);
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
