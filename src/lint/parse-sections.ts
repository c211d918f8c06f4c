/**
 * The parse of a migration's SQL sections, keyed as the engine's parse cache keys them
 * (`<file checksum>:<section>`): shared by the engine and the parse worker.
 */
import type { MigrationFile } from '../migrations/types.js';
import type { ParsedSection } from './engine.js';

type Parser = typeof import('../sql/parse.js');

/** Parses one section's SQL: its statements, or the syntax error Postgres reports. */
export function parseSectionWith(parser: Parser, sql: string): ParsedSection {
  try {
    return { statements: parser.parseSql(sql) };
  } catch (error) {
    if (!(error instanceof parser.SqlSyntaxError)) throw error;
    return { error: { message: error.message, position: error.position } };
  }
}

/** The cache key of a section of a file. */
export function sectionKey(file: MigrationFile, section: 'up' | 'down'): string {
  return `${file.checksum}:${section}`;
}
