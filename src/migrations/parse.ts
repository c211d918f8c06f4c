import { basename, extname } from 'node:path';
import { checksumOf } from './checksum.js';
import type { HeaderField, MigrationFile, MigrationFileProblem, MigrationKind, MigrationSection } from './types.js';

/** The markers node-pg-migrate reads; pgwarden files stay runnable by plain node-pg-migrate. */
const UP_MARKER = /^[ \t]*--[ \t-]*up[ \t]+migration\b.*$/im;
const DOWN_MARKER = /^[ \t]*--[ \t-]*down[ \t]+migration\b.*$/im;

export const SQL_EXTENSIONS = ['.sql'];
export const SCRIPT_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

/** `<revision>_<slug>.<ext>`: the revision is the leading digits. */
export const FILE_NAME = /^(\d+)[_-](.+)$/;

/** Revisions pgwarden writes: a UTC timestamp YYYYMMDDHHMMSS. */
export const REVISION_FORMAT = /^\d{14}$/;

const KNOWN_KEYS = new Map([
  ['revision', 'Revision'],
  ['revises', 'Revises'],
  ['description', 'Description'],
  ['transaction', 'Transaction'],
  ['irreversible', 'Irreversible'],
  ['lock-timeout', 'Lock-Timeout'],
  ['statement-timeout', 'Statement-Timeout'],
]);

/** A file name in a migrations folder that the runner reads as a migration (not a dot or underscore file). */
export function isMigrationFileName(name: string): boolean {
  return !name.startsWith('.') && !name.startsWith('_') && migrationKindOf(name) !== undefined;
}

export function migrationKindOf(fileName: string): MigrationKind | undefined {
  // extname without node:path (called for every file of every run): the last dot of the base name.
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  const ext = dot > slash + 1 ? fileName.slice(dot).toLowerCase() : '';
  if (SQL_EXTENSIONS.includes(ext)) return 'sql';
  if (SCRIPT_EXTENSIONS.includes(ext) && !fileName.endsWith('.d.ts')) return 'js';
  return undefined;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function section(text: string, markerIndex: number, markerLength: number, end: number): MigrationSection {
  const markerLine = lineAt(text, markerIndex);
  let start = markerIndex + markerLength;
  if (text[start] === '\r') start++;
  if (text[start] === '\n') start++;
  return { sql: text.slice(start, end), offset: start, line: markerLine + 1, markerLine };
}

function findMarker(text: string, re: RegExp): { index: number; length: number } | undefined {
  const match = re.exec(text);
  return match ? { index: match.index, length: match[0].length } : undefined;
}

/**
 * Parses a migration file's text. Never throws for bad content: problems are collected in
 * `problems` so that lint can report them all and the runner can refuse with every one named.
 */
export function parseMigration(path: string, text: string): MigrationFile {
  const fileName = basename(path);
  const kind = migrationKindOf(fileName) ?? 'sql';
  const name = fileName.slice(0, fileName.length - extname(fileName).length);
  const problems: MigrationFileProblem[] = [];
  const header: HeaderField[] = [];
  const notes: string[] = [];

  const up = kind === 'sql' ? findMarker(text, UP_MARKER) : undefined;
  const down = kind === 'sql' ? findMarker(text, DOWN_MARKER) : undefined;
  const headerEnd = kind === 'sql' ? (up?.index ?? down?.index ?? text.length) : text.length;
  const prefix = kind === 'sql' ? '--!' : '//!';
  const lines = text.slice(0, headerEnd).split('\n');
  let inHeader = true;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed.startsWith(prefix)) {
      const body = trimmed.slice(prefix.length).trim();
      const match = /^([A-Za-z][A-Za-z-]*)\s*:\s*(.*)$/.exec(body);
      if (!match) {
        problems.push({ rule: 'revision-header', line: i + 1, column: 1, message: `header line "${trimmed}" is not of the form "${prefix} Key: value"` });
        return;
      }
      const key = KNOWN_KEYS.get(match[1]!.toLowerCase());
      if (!key) {
        problems.push({
          rule: 'revision-header',
          line: i + 1,
          column: 1,
          message: `unknown header key "${match[1]}": use one of ${[...KNOWN_KEYS.values()].join(', ')}`,
        });
        return;
      }
      if (header.some((h) => h.key === key)) {
        problems.push({ rule: 'revision-header', line: i + 1, column: 1, message: `header key "${key}" appears twice` });
        return;
      }
      header.push({ key, value: match[2]!.trim(), line: i + 1 });
      return;
    }
    if (kind === 'sql' && inHeader && trimmed.startsWith('--')) {
      const note = trimmed.replace(/^--+\s?/, '');
      if (note.length > 0 || notes.length > 0) notes.push(note);
      return;
    }
    if (kind === 'js' && trimmed.length > 0 && !trimmed.startsWith('//')) inHeader = false;
  });

  const get = (key: string) => header.find((h) => h.key === key)?.value;
  const fileRevision = FILE_NAME.exec(name)?.[1];
  let revision = get('Revision');
  let implicitParent = false;
  if (kind === 'sql') {
    if (!up) {
      problems.push({
        rule: 'revision-header',
        line: 1,
        column: 1,
        message: 'no "-- Up Migration" marker: put the header first, then "-- Up Migration" and the SQL',
      });
    }
    if (up && down && down.index < up.index) {
      problems.push({ rule: 'revision-header', line: lineAt(text, down.index), column: 1, message: '"-- Down Migration" comes before "-- Up Migration": the up section goes first' });
    }
    if (!revision) {
      problems.push({ rule: 'revision-header', line: 1, column: 1, message: `no "--! Revision:" header: add "--! Revision: ${fileRevision ?? 'YYYYMMDDHHMMSS'}" at the top` });
    }
  }
  if (!revision) {
    revision = fileRevision ?? name;
    if (kind === 'js') implicitParent = !get('Revises');
  }
  const revisionField = header.find((h) => h.key === 'Revision');
  if (revisionField && !isRevision(revisionField.value)) {
    problems.push({
      rule: 'revision-header',
      line: revisionField.line,
      column: 1,
      message: `revision "${revisionField.value}" is not a UTC timestamp YYYYMMDDHHMMSS (a real date and time, e.g. ${revisionNow()}; a history adopted from node-pg-migrate keeps its 13-digit millisecond timestamps)`,
    });
  }
  if (fileRevision === undefined) {
    problems.push({ rule: 'revision-header', line: 1, column: 1, message: `file name "${fileName}" is not "<revision>_<slug>${extname(fileName)}": rename it to ${revision}_${name.replace(/[^a-z0-9]+/gi, '_')}${extname(fileName)}` });
  } else if (revisionField && fileRevision !== revisionField.value) {
    problems.push({ rule: 'revision-header', line: revisionField.line, column: 1, message: `revision ${revisionField.value} does not match the file name's ${fileRevision}: rename the file or fix the header` });
  }
  const revisesField = header.find((h) => h.key === 'Revises');
  if (revisesField && !/^\d+$/.test(revisesField.value)) {
    problems.push({ rule: 'revision-header', line: revisesField.line, column: 1, message: `"Revises: ${revisesField.value}" is not a revision (digits only)` });
  }
  const transactionField = header.find((h) => h.key === 'Transaction');
  if (transactionField && !/^(none|default)$/i.test(transactionField.value)) {
    problems.push({ rule: 'revision-header', line: transactionField.line, column: 1, message: `"Transaction: ${transactionField.value}" is not valid: the only value is "none"` });
  }
  for (const key of ['Lock-Timeout', 'Statement-Timeout']) {
    const field = header.find((h) => h.key === key);
    if (field && !POSTGRES_DURATION.test(field.value)) {
      problems.push({
        rule: 'revision-header',
        line: field.line,
        column: 1,
        message: `"${key}: ${field.value}" is not a Postgres duration: write a number with one of the units us, ms, s, min, h, d (5s, 500ms, 1min), a plain number of milliseconds, or 0 for no limit`,
      });
    }
  }
  const irreversibleField = header.find((h) => h.key === 'Irreversible');
  if (irreversibleField && irreversibleField.value.length === 0) {
    problems.push({ rule: 'revision-header', line: irreversibleField.line, column: 1, message: '"Irreversible:" needs a reason: say why this migration cannot be undone' });
  }

  const upSection = up ? section(text, up.index, up.length, down && down.index > up.index ? down.index : text.length) : undefined;
  const downSection = down && up && down.index > up.index ? section(text, down.index, down.length, text.length) : undefined;
  if (irreversibleField && downSection && downSection.sql.trim().length > 0 && !/^(\s*--[^\n]*\n?)*\s*$/.test(downSection.sql)) {
    problems.push({ rule: 'revision-header', line: irreversibleField.line, column: 1, message: 'marked Irreversible but has a down section: remove one of them' });
  }

  while (notes.length > 0 && notes[notes.length - 1] === '') notes.pop();
  return {
    path,
    fileName,
    name,
    kind,
    revision,
    revises: revisesField?.value,
    implicitParent,
    description: get('Description') ?? (kind === 'js' ? (FILE_NAME.exec(name)?.[2] ?? name).replace(/[_-]+/g, ' ') : ''),
    notes: notes.join('\n').trim(),
    transaction: transactionField && /^none$/i.test(transactionField.value) ? 'none' : 'default',
    irreversible: irreversibleField?.value || undefined,
    lockTimeout: get('Lock-Timeout'),
    statementTimeout: get('Statement-Timeout'),
    header,
    up: upSection,
    down: downSection,
    checksum: checksumOf(text),
    text,
    problems,
  };
}

/** A duration as Postgres reads it for lock_timeout and statement_timeout (units are case-sensitive). */
const POSTGRES_DURATION = /^\d+(\.\d+)?\s*(us|ms|s|min|h|d)?$/;

/**
 * A revision: a UTC timestamp YYYYMMDDHHMMSS that is a real date and time, or the 13-digit
 * millisecond timestamp node-pg-migrate names its files with (kept when a history is adopted).
 */
export function isRevision(value: string): boolean {
  if (/^\d{13}$/.test(value)) return true;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
}

function revisionNow(): string {
  return new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** True when a section holds no SQL (only blanks and comments). */
export function isEmptySection(section: MigrationSection | undefined): boolean {
  if (!section) return true;
  // A scan that stops at the first character of SQL (most sections: at once), where stripping the
  // comments of every section with regular expressions cost 3 ms of a cold lint of 1,000 files.
  const sql = section.sql;
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(sql[i]!))) i++;
    else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i);
      if (end < 0) return true;
      i = end + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const end = sql.indexOf('*/', i + 2);
      // An unclosed comment: the regular expressions left it, as text.
      if (end < 0) return false;
      i = end + 2;
    } else return false;
  }
  return true;
}
