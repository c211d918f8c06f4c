import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import { PgwardenError, type Problem } from '../errors.js';
import { DEFAULT_POSTGRES_VERSION } from '../lint/config.js';
import { RULE_IDS } from '../lint/rule-ids.js';
import type { PgwardenConfig, PgwardenConfigFile } from './types.js';

import { findConfigFile } from './find.js';
import { configSchema, PATTERN_HELP } from './schema.js';
import { validate as validateConfigShape } from './validate-config.generated.js';

export { CONFIG_FILE_NAMES, findConfigFile } from './find.js';

/** The config's JSON Schema (src/config/schema.ts), compiled ahead of time by checks/gen-validators. */
const validator = validateConfigShape as unknown as { (value: unknown): boolean; errors?: ErrorObject[] | null };

/**
 * Parses YAML (or JSON) keeping positions: the document, its line counter, and its syntax errors
 * as problems with file, line and column. Shared by the config and roles.yaml loaders.
 */
export function parseYamlDocument(text: string, file: string): { doc: Document; lineCounter: LineCounter; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return { file, line: pos.line, column: pos.col, message: error.message.split('\n')[0] ?? error.message };
  });
  return { doc, lineCounter, problems };
}

/**
 * Parses and validates config text. Reports every problem at once with the file, line and JSON
 * path of each, and rejects unknown keys.
 */
export function parseConfig(text: string, file: string): PgwardenConfigFile {
  const { doc, lineCounter, problems } = parseYamlDocument(text, file);
  if (problems.length > 0) {
    throw new PgwardenError('CONFIG_INVALID', `${file} is not valid YAML or JSON: fix the syntax errors listed.`, { problems });
  }
  const value: unknown = doc.toJS() ?? {};
  if (!validator(value)) {
    // A property name that fails a pattern comes twice (the pattern, then propertyNames): once is enough.
    const errors = (validator.errors ?? []).filter((e) => !(e.keyword === 'pattern' && (e as { propertyName?: string }).propertyName !== undefined));
    for (const error of errors) problems.push(problemFromAjv(error, doc, lineCounter, file));
  }
  problems.push(...literalPasswordProblems(value as PgwardenConfigFile, doc, lineCounter, file));
  problems.push(...timeZoneProblems(value as PgwardenConfigFile, doc, lineCounter, file));
  if (problems.length > 0) {
    throw new PgwardenError(
      'CONFIG_INVALID',
      `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: fix each one listed (the JSON Schema is in pgwarden/config-schema.json).`,
      { problems },
    );
  }
  return value as PgwardenConfigFile;
}

export function pathSegments(instancePath: string): string[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function lineOf(doc: Document, lineCounter: LineCounter, segments: string[], key?: string): { line?: number; column?: number } {
  const node = doc.getIn(segments, true) as { range?: [number, number, number]; items?: unknown[] } | undefined;
  let offset: number | undefined;
  if (key !== undefined && node && isMap(node)) {
    const pair = (node.items as Array<{ key: unknown }>).find((p) => isScalar(p.key) && String(p.key.value) === key);
    const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
    offset = keyNode?.range?.[0];
  }
  offset ??= node?.range?.[0];
  if (offset === undefined) return {};
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function problemFromAjv(error: ErrorObject, doc: Document, lineCounter: LineCounter, file: string): Problem {
  const segments = pathSegments(error.instancePath);
  const where = segments.join('.') || '(top level)';
  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const at = lineOf(doc, lineCounter, segments, key);
    const path = [...segments, key].join('.');
    const where = segments.join('.');
    if (where === 'lint.rules' || where === 'lint.startAfter') {
      const near = closest(key, where === 'lint.startAfter' ? ['*', ...RULE_IDS] : RULE_IDS);
      const hint = near.likely ? `did you mean "${near.candidate}"?` : `no rule has that id (the closest is "${near.candidate}"; docs/lint.md lists them)`;
      return { file, ...at, path, message: `unknown rule "${key}" at ${path}: ${hint}` };
    }
    // The keys allowed where this one is: the schema object the error's schemaPath ends in.
    const allowed = Object.keys((schemaAt(error.schemaPath.replace(/\/additionalProperties$/, '')) as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
    const near = allowed.length > 0 ? closest(key, allowed) : undefined;
    const hint = near?.likely ? `did you mean "${near.candidate}"?` : allowed.length > 0 ? `remove it, or use one of ${allowed.map((k) => `"${k}"`).join(', ')}` : 'remove it or check its spelling';
    return { file, ...at, path, message: `unknown key "${key}" at ${path}: ${hint}` };
  }
  if (error.keyword === 'propertyNames') {
    const name = String((error.params as { propertyName?: string }).propertyName ?? '');
    const help = PATTERN_HELP[String((schemaAt(`${error.schemaPath}/pattern`) as string | undefined) ?? '')];
    const at = lineOf(doc, lineCounter, segments, name);
    return { file, ...at, path: [...segments, name].join('.'), message: `${where} has the name "${name}", which is not allowed${help ? `: use ${help}` : ''}` };
  }
  const at = lineOf(doc, lineCounter, segments);
  let message = `${where} ${error.message ?? 'is invalid'}`;
  const node = schemaAt(error.schemaPath.slice(0, error.schemaPath.lastIndexOf('/'))) as { pattern?: string } | undefined;
  // A value checked by a pattern: say what is expected, with an example, instead of the regular expression.
  const help = node?.pattern !== undefined ? PATTERN_HELP[node.pattern] : undefined;
  const actual = doc.getIn(segments);
  if (error.keyword === 'enum') {
    message = `${where} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (help && error.keyword === 'pattern') {
    message = `${where} is ${JSON.stringify(actual)}, which is not ${help}`;
  } else if (help && error.keyword === 'type') {
    message = `${where} is ${JSON.stringify(actual)}, not a string: write it in quotes, as ${help}`;
  }
  return { file, ...at, path: where, message };
}

/** The part of the config's JSON Schema at an ajv schemaPath (`#/properties/runner/properties/lockTimeout`). */
function schemaAt(pointer: string): unknown {
  let node: unknown = configSchema;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** The candidate nearest to `word` by edit distance, and whether it is near enough to be a misspelling. */
function closest(word: string, candidates: readonly string[]): { candidate: string; likely: boolean } {
  let best = { candidate: candidates[0]!, distance: Infinity };
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < best.distance) best = { candidate, distance };
  }
  return { candidate: best.candidate, likely: best.distance <= Math.max(2, Math.floor(best.candidate.length / 3)) };
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

function literalPasswordProblems(config: PgwardenConfigFile, doc: Document, lineCounter: LineCounter, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const [name, env] of Object.entries(config?.environments ?? {})) {
    if (typeof env?.url !== 'string') continue;
    if (/:\/\/[^/@:]*:[^@]+@/.test(env.url) || /[?&]password=/.test(env.url) || /\bpassword\s*=/.test(env.url)) {
      const at = lineOf(doc, lineCounter, ['environments', name, 'url']);
      problems.push({
        file,
        ...at,
        path: `environments.${name}.url`,
        message: `environments.${name}.url contains a password: move the connection string to an environment variable and set urlEnv (or set passwordEnv)`,
      });
    }
  }
  return problems;
}

/** A runner.timeZone that is not an IANA time zone name (checked with the ICU database Node has). */
function timeZoneProblems(config: PgwardenConfigFile, doc: Document, lineCounter: LineCounter, file: string): Problem[] {
  const zone = config?.runner?.timeZone;
  // A value of the wrong shape (an offset such as +03:00) is the schema's to report.
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return [];
  } catch {
    const at = lineOf(doc, lineCounter, ['runner', 'timeZone']);
    return [{ file, ...at, path: 'runner.timeZone', message: `runner.timeZone ${JSON.stringify(zone)} is not a time zone name: use an IANA name such as UTC or Europe/Paris, or remove the key to keep the server's` }];
  }
}

/** Applies defaults and resolves paths. */
export function resolveConfig(file: PgwardenConfigFile, configFile: string | undefined, cwd: string): PgwardenConfig {
  const root = configFile ? dirname(configFile) : resolve(cwd);
  const abs = (p: string) => (isAbsolute(p) ? p : join(root, p));
  return {
    configFile,
    root,
    migrationsDir: abs(file.migrations ?? 'migrations'),
    schemaDir: abs(file.schema ?? 'schema'),
    runner: {
      transaction: file.runner?.transaction ?? 'per-migration',
      lockTimeout: file.runner?.lockTimeout ?? '5s',
      statementTimeout: file.runner?.statementTimeout ?? '0',
      timeZone: file.runner?.timeZone,
    },
    ledger: { schema: file.ledger?.schema ?? 'pgwarden', table: file.ledger?.table ?? 'ledger' },
    embedded: { dataDir: abs(file.embedded?.dataDir ?? '.pgwarden/dev'), port: file.embedded?.port ?? 0 },
    environments: file.environments ?? {},
    defaultEnvironment: file.defaultEnvironment,
    lint: {
      postgresVersion: file.lint?.postgresVersion ?? DEFAULT_POSTGRES_VERSION,
      rules: file.lint?.rules ?? {},
      startAfter: file.lint?.startAfter ?? {},
    },
    docs: {
      requireComment: file.docs?.requireComment ?? 'error',
      requirePrimaryKey: file.docs?.requirePrimaryKey ?? 'error',
      requireFkIndex: file.docs?.requireFkIndex ?? 'warning',
    },
    roles: { file: abs(file.roles?.file ?? join(file.schema ?? 'schema', 'roles.yaml')) },
  };
}

export interface LoadConfigOptions {
  cwd?: string;
  /** `--config`: an explicit config file. */
  configPath?: string;
  /** `--migrations`: another migrations folder than the configured one. */
  migrationsDir?: string;
}

/** Loads the config file (or defaults when there is none) and applies command-line overrides. */
export function loadConfig(options: LoadConfigOptions = {}): PgwardenConfig {
  const cwd = options.cwd ?? process.cwd();
  const configFile = findConfigFile(cwd, options.configPath);
  let file: PgwardenConfigFile = {};
  if (configFile) file = parseConfig(readFileSync(configFile, 'utf8'), configFile);
  const config = resolveConfig(file, configFile, cwd);
  if (options.migrationsDir) config.migrationsDir = resolve(cwd, options.migrationsDir);
  return config;
}
