/**
 * Reading an existing migrations folder, whatever tool wrote it: node-pg-migrate (JS/TS/SQL with
 * a millisecond timestamp), plain numbered SQL files (`001_add_target_groups.sql`), golang-migrate
 * pairs (`000001_x.up.sql` / `.down.sql`), Flyway (`V1__x.sql`, undo `U1__x.sql`), dbmate
 * (`-- migrate:up`) and sql-migrate (`-- +migrate Up`) markers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PgwardenError } from '../errors.js';
import { migrationKindOf } from '../migrations/parse.js';

/** How the folder names and splits its migrations. */
export type SourceLayout = 'node-pg-migrate' | 'numbered-sql';

/** One migration of the folder being adopted, split into its parts. */
export interface SourceMigration {
  /** The version as the folder writes it (`001`, `1700000000000`, `1.2`). */
  version: string;
  /** The version as numbers, for ordering and `--applied-through`. */
  order: number[];
  /** The name after the version (`add_target_groups`). */
  slug: string;
  /** Name of the file (for pairs, the up file), as node-pg-migrate records it: without extension. */
  name: string;
  /** Absolute paths of the source files (two for up/down pairs). */
  paths: string[];
  kind: 'sql' | 'js';
  /** JS/TS: the file's text, kept as it is. SQL: the comments before the up section. */
  preamble: string;
  /** SQL: the up section's text. */
  up: string;
  /** SQL: the down section's text, when the folder has one. */
  down: string | undefined;
  /** The original text (the up file for pairs). */
  text: string;
}

const MARKERS: Array<{ up: RegExp; down: RegExp }> = [
  { up: /^[ \t]*--[ \t-]*up[ \t]+migration\b.*$/im, down: /^[ \t]*--[ \t-]*down[ \t]+migration\b.*$/im },
  { up: /^[ \t]*--[ \t]*migrate:up\b.*$/im, down: /^[ \t]*--[ \t]*migrate:down\b.*$/im },
  { up: /^[ \t]*--[ \t]*\+migrate[ \t]+up\b.*$/im, down: /^[ \t]*--[ \t]*\+migrate[ \t]+down\b.*$/im },
];

/** Splits a SQL file on the first kind of up/down markers it uses; without markers, it is all up. */
export function splitSections(text: string): { preamble: string; up: string; down: string | undefined } {
  for (const marker of MARKERS) {
    const up = marker.up.exec(text);
    const down = marker.down.exec(text);
    if (!up && !down) continue;
    const upStart = up ? up.index + up[0].length : 0;
    if (down && (!up || down.index > up.index)) {
      return { preamble: up ? text.slice(0, up.index) : '', up: text.slice(upStart, down.index), down: text.slice(down.index + down[0].length) };
    }
    return { preamble: up ? text.slice(0, up.index) : '', up: text.slice(upStart), down: undefined };
  }
  return { preamble: '', up: text, down: undefined };
}

const NODE_PG_MIGRATE = /^(\d+)[_-](.+)$/;
const GOLANG_MIGRATE = /^(\d+)[_-](.+)\.(up|down)$/i;
const FLYWAY = /^([VU])(\d+(?:[._]\d+)*)__(.+)$/;
const NUMBERED = /^(\d+)[_-]?(.*)$/;

function orderOf(version: string): number[] {
  return version.split(/[._]/).map((p) => Number(p));
}

export function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Parses `--applied-through` (`12`, `1.2`) into the order numbers it stands for. */
export function parseVersion(version: string): number[] {
  if (!/^\d+(?:[._]\d+)*$/.test(version)) throw new PgwardenError('USAGE', `--applied-through ${version} is not a migration number (such as 12, or 1.2 for Flyway).`);
  return orderOf(version);
}

/**
 * Reads the migrations of a folder, in order. Throws `USAGE` for a folder that is not one (no
 * migration files, duplicate versions, a down file without its up).
 */
export function readSourceFolder(dir: string): { layout: SourceLayout; migrations: SourceMigration[]; ignored: string[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir).sort();
  } catch {
    throw new PgwardenError('USAGE', `${dir} is not a folder: name the folder of migrations to adopt.`);
  }
  const ignored: string[] = [];
  const byVersion = new Map<string, SourceMigration>();
  const downs = new Map<string, { path: string; text: string }>();
  let scripts = 0;
  let longVersions = 0;
  for (const fileName of names) {
    const path = join(dir, fileName);
    if (fileName.startsWith('.') || !statSync(path).isFile()) continue;
    const kind = migrationKindOf(fileName);
    if (!kind || fileName.endsWith('.d.ts')) {
      ignored.push(fileName);
      continue;
    }
    const name = fileName.slice(0, fileName.length - extname(fileName).length);
    const text = readFileSync(path, 'utf8');
    let version: string;
    let slug: string;
    let isDown = false;
    const golang = kind === 'sql' ? GOLANG_MIGRATE.exec(name) : null;
    const flyway = kind === 'sql' ? FLYWAY.exec(name) : null;
    if (golang) {
      version = golang[1]!;
      slug = golang[2]!;
      isDown = golang[3]!.toLowerCase() === 'down';
    } else if (flyway) {
      version = flyway[2]!;
      slug = flyway[3]!;
      isDown = flyway[1] === 'U';
    } else {
      const match = (kind === 'js' ? NODE_PG_MIGRATE : NUMBERED).exec(name);
      if (!match || !/^\d/.test(name)) {
        ignored.push(fileName);
        continue;
      }
      version = match[1]!;
      slug = match[2] || 'migration';
    }
    if (kind === 'js') scripts++;
    if (version.length >= 13) longVersions++;
    if (isDown) {
      downs.set(version, { path, text });
      continue;
    }
    if (byVersion.has(version)) {
      throw new PgwardenError('USAGE', `${fileName} and ${byVersion.get(version)!.paths[0]!.slice(dir.length + 1)} have the same number ${version}: give one of them another number before adopting.`);
    }
    const sections = kind === 'sql' ? splitSections(text) : { preamble: text, up: '', down: undefined };
    byVersion.set(version, { version, order: orderOf(version), slug, name, paths: [path], kind, preamble: sections.preamble, up: sections.up, down: sections.down, text });
  }
  for (const [version, down] of downs) {
    const m = byVersion.get(version);
    if (!m) throw new PgwardenError('USAGE', `${down.path} is a down migration without its up file (version ${version}).`);
    m.paths.push(down.path);
    m.down = down.text;
  }
  const migrations = [...byVersion.values()].sort((a, b) => compareOrder(a.order, b.order) || (a.name < b.name ? -1 : 1));
  if (migrations.length === 0) throw new PgwardenError('USAGE', `${dir} holds no migration files (.sql, .js, .ts with a number in front of the name).`);
  const layout: SourceLayout = scripts > 0 || longVersions === migrations.length ? 'node-pg-migrate' : 'numbered-sql';
  return { layout, migrations, ignored };
}
