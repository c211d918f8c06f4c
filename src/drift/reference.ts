import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';

/** The path of the committed snapshot, `schema/snapshot.json`. */
export function referenceSnapshotPath(config: PgwardenConfig): string {
  return join(config.schemaDir, 'snapshot.json');
}

/** Reads `schema/snapshot.json`, the schema the migrations produce (written by `pgwarden docs`). */
export function loadReferenceSnapshot(config: PgwardenConfig): CatalogSnapshot {
  const path = referenceSnapshotPath(config);
  const shown = relative(config.root, path) || path;
  if (!existsSync(path)) {
    throw new PgwardenError('USAGE', `${shown} does not exist: run \`pgwarden docs\` to generate it from the migrations (and commit it), or compare two environments with --against.`);
  }
  const text = readFileSync(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const { line, column } = jsonErrorAt(text, (cause as Error).message);
    throw new PgwardenError('USAGE', `${shown}:${line}:${column} is not valid JSON (${(cause as Error).message}): run \`pgwarden docs\` to generate it again rather than editing it by hand.`, {
      cause,
      location: { file: path, line, column },
    });
  }
  const problems = snapshotProblems(value);
  if (problems.length > 0) {
    const shownProblems = problems.slice(0, 20).map((p) => `  - ${p}`);
    if (problems.length > 20) shownProblems.push(`  - ... and ${problems.length - 20} more`);
    throw new PgwardenError('USAGE', `${shown} is not a pgwarden snapshot (format 1):\n${shownProblems.join('\n')}\nRun \`pgwarden docs\` to generate it again from the migrations rather than editing it by hand.`, {
      location: { file: path },
    });
  }
  return value as CatalogSnapshot;
}

/** Line and column (1-based) of a JSON.parse error, from the position its message gives (the end of the text when it gives none). */
export function jsonErrorAt(text: string, message: string): { line: number; column: number } {
  const match = /position (\d+)/.exec(message);
  const position = match ? Math.min(Number(match[1]), text.length) : text.length;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - (before.lastIndexOf('\n') + 1) + 1 };
}

const SECTIONS = ['extensions', 'schemas', 'tables', 'views', 'sequences', 'functions', 'enums', 'domains', 'compositeTypes', 'rangeTypes'] as const;
/** Per section, the lists each object must have (those drift walks), besides the owner and privileges of all but extensions. */
const LISTS: Record<(typeof SECTIONS)[number], readonly string[]> = {
  extensions: [],
  schemas: [],
  tables: ['columns', 'constraints', 'indexes', 'triggers', 'policies'],
  views: ['columns', 'indexes', 'triggers'],
  sequences: [],
  functions: [],
  enums: ['labels'],
  domains: ['constraints'],
  compositeTypes: [],
  rangeTypes: [],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What keeps `value` from being a snapshot drift can compare, each with its JSON path: the format,
 * every section, and in each object the owner, the privileges and the lists compared item by item.
 * Empty when it is one.
 */
export function snapshotProblems(value: unknown): string[] {
  if (!isObject(value)) return ['the file holds no JSON object'];
  const problems: string[] = [];
  if (value.format !== 1) problems.push(`format is ${JSON.stringify(value.format)}, expected 1`);
  if (value.postgresMajor !== undefined && !(Number.isInteger(value.postgresMajor) && (value.postgresMajor as number) > 0)) {
    problems.push(`postgresMajor is ${JSON.stringify(value.postgresMajor)}, expected a Postgres major version such as 17`);
  }
  const privileges = (path: string, list: unknown) => {
    if (!Array.isArray(list)) return problems.push(`${path}.privileges is missing or not a list`);
    list.forEach((p, i) => {
      if (!isObject(p) || typeof p.grantee !== 'string' || typeof p.privilege !== 'string' || typeof p.grantor !== 'string') problems.push(`${path}.privileges[${i}] needs grantee, privilege and grantor`);
    });
  };
  if (!isObject(value.database) || typeof value.database.owner !== 'string') problems.push('database is missing or has no owner');
  else privileges('database', value.database.privileges);
  for (const section of SECTIONS) {
    const objects = value[section];
    if (!isObject(objects)) {
      problems.push(`${section} is missing or not an object`);
      continue;
    }
    for (const [key, object] of Object.entries(objects)) {
      const path = `${section}[${JSON.stringify(key)}]`;
      if (!isObject(object)) {
        problems.push(`${path} is not an object`);
        continue;
      }
      if (section !== 'extensions') {
        if (typeof object.owner !== 'string') problems.push(`${path}.owner is missing or not a string`);
        privileges(path, object.privileges);
      }
      for (const list of LISTS[section]) {
        const items = object[list];
        if (!Array.isArray(items)) problems.push(`${path}.${list} is missing or not a list`);
        else if (list !== 'labels') items.forEach((item, i) => !isObject(item) && problems.push(`${path}.${list}[${i}] is not an object`));
      }
    }
  }
  if (!Array.isArray(value.defaultPrivileges)) problems.push('defaultPrivileges is missing or not a list');
  else value.defaultPrivileges.forEach((d, i) => !isObject(d) && problems.push(`defaultPrivileges[${i}] is not an object`));
  return problems;
}
