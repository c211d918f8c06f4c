import { existsSync, readFileSync } from 'node:fs';
import AjvModule, { type ErrorObject } from 'ajv';
import type { Document, LineCounter } from 'yaml';
import { lineOf, parseYamlDocument, pathSegments } from '../config/load.js';
import { PgwardenError, type Problem } from '../errors.js';
import { rolesSchema } from './schema.js';
import type { RolesFile, RolesFileSpec } from './types.js';
import { validateRolesSpec } from './validate.js';

const Ajv = AjvModule.default ?? AjvModule;
let validator: ReturnType<InstanceType<typeof Ajv>['compile']> | undefined;

/**
 * Parses and validates roles.yaml text. Reports every problem at once, with the line of each, and
 * rejects unknown keys; throws `ROLES_INVALID` (exit 2) when there is any.
 *
 * @example
 * const roles = parseRolesFile(readFileSync('schema/roles.yaml', 'utf8'), 'schema/roles.yaml');
 * roles.spec.roles?.app_rw;
 */
export function parseRolesFile(text: string, file: string): RolesFile {
  const { doc, lineCounter, problems } = parseYamlDocument(text, file);
  if (problems.length > 0) {
    throw new PgwardenError('ROLES_INVALID', `${file} is not valid YAML: fix the syntax errors listed. Nothing was applied.`, { problems });
  }
  const value: unknown = doc.toJS() ?? {};
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(rolesSchema);
  const locate = (path: (string | number)[]) => ({ ...lineOf(doc, lineCounter, path.map(String)), path: path.join('.') });
  // Every problem at once: the shape problems, and the reference and privilege problems of what
  // remains once the values with a wrong shape are set aside.
  let checked: { spec: unknown; pruned: string[] } | undefined = { spec: value, pruned: [] };
  if (!validator(value)) {
    problems.push(...shapeProblems(validator.errors ?? [], doc, lineCounter, file));
    checked = withoutShapeErrors(value, validator.errors ?? []);
  }
  if (checked !== undefined) {
    // What is left of an entry (a role, a grant, ...) that had a value set aside is not checked
    // further: its problems would follow from the shape problem already reported.
    const pruned = new Set(checked.pruned.map((q) => entryOf(q.split('.'))));
    for (const p of safeValidate(checked.spec as RolesFileSpec)) {
      if (pruned.has(entryOf(p.path.map(String)))) continue;
      const at = locate(p.path);
      problems.push({ file, ...(at.line !== undefined ? { line: at.line, column: at.column } : {}), path: at.path, message: p.message });
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (problems.length > 0) {
    throw new PgwardenError(
      'ROLES_INVALID',
      `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: fix each one listed (docs/roles.md describes the format). Nothing was applied.`,
      { problems },
    );
  }
  return { file, spec: value as RolesFileSpec, locate };
}

/** The entry a path is in: `roles.x`, `grants.0`, `environments.dev.roles.x`, `managed`, ... */
function entryOf(segments: string[]): string {
  const depth = segments[0] === 'environments' ? 4 : ['roles', 'grants', 'defaultPrivileges', 'profiles'].includes(segments[0] ?? '') ? 2 : 1;
  return segments.slice(0, depth).join('.');
}

/**
 * A copy of `value` without the values Ajv found fault with: an unknown key or a value of the
 * wrong type or form is removed, and an entry of a list that misses a required key becomes null
 * (in place, so that the indexes, and the lines found from them, stay right). Undefined when the
 * whole file has the wrong form. `pruned`: the paths set aside.
 */
function withoutShapeErrors(value: unknown, errors: ErrorObject[]): { spec: unknown; pruned: string[] } | undefined {
  const pruned: string[] = [];
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const error of errors) {
    const segments = pathSegments(error.instancePath);
    if (error.keyword === 'additionalProperties') segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
    if (segments.length === 0) {
      if (error.keyword === 'required') continue;
      return undefined;
    }
    const parent = segments.slice(0, -1).reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), copy);
    if (!parent || typeof parent !== 'object') continue;
    const last = segments[segments.length - 1]!;
    if (Array.isArray(parent)) parent[Number(last)] = null;
    else delete (parent as Record<string, unknown>)[last];
    pruned.push(segments.join('.'));
  }
  return { spec: copy, pruned };
}

/** The reference checks on a value that was pruned into shape; a check that trips over what is left reports nothing more. */
function safeValidate(spec: RolesFileSpec): ReturnType<typeof validateRolesSpec> {
  try {
    return validateRolesSpec(spec);
  } catch {
    return [];
  }
}

/** Reads and validates a roles file. */
export function loadRolesFile(path: string): RolesFile {
  if (!existsSync(path)) {
    throw new PgwardenError('ROLES_INVALID', `The roles file ${path} does not exist: write one (pgwarden roles generate writes one from a database), or set roles.file in the config.`);
  }
  return parseRolesFile(readFileSync(path, 'utf8'), path);
}

/** Turns Ajv's errors into one problem per place, with its line and a message a person can act on. */
function shapeProblems(errors: ErrorObject[], doc: Document, lineCounter: LineCounter, file: string): Problem[] {
  // A `oneOf` failure also reports why each alternative failed; keep the one summary instead.
  // An unknown key inside a mapping alternative says more than the summary, so it replaces it.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const unknownKeyPaths = new Set(errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'oneOf' && unknownKeyPaths.has(error.instancePath)) continue;
    if (error.keyword !== 'oneOf' && error.keyword !== 'additionalProperties' && oneOfPaths.has(error.instancePath) && error.schemaPath.includes('/oneOf/')) continue;
    const segments = pathSegments(error.instancePath);
    const where = segments.join('.') || '(top level)';
    let message: string;
    let at: { line?: number; column?: number };
    if (error.keyword === 'additionalProperties') {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      at = lineOf(doc, lineCounter, segments, key);
      const path = [...segments, key].join('.');
      message = `unknown key "${key}" at ${path}: remove it or check its spelling`;
    } else {
      at = lineOf(doc, lineCounter, segments);
      if (error.keyword === 'enum') {
        message = `${where} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      } else if (error.keyword === 'oneOf') {
        const description = (error.parentSchema as { description?: string } | undefined)?.description;
        message = `${where} has the wrong form${description ? `: ${description}` : ` (${describeAlternatives(error.parentSchema)})`}`;
      } else if (error.keyword === 'propertyNames') {
        continue; // reported again, with the offending name, as a pattern error
      } else if (error.propertyName !== undefined) {
        at = lineOf(doc, lineCounter, segments, error.propertyName);
        message = `${where}: the name ${JSON.stringify(error.propertyName)} is not allowed here (it ${error.message})`;
      } else {
        message = `${where} ${error.message ?? 'is invalid'}`;
      }
    }
    const key = `${at.line}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, ...at, path: where, message });
  }
  return problems;
}

function describeAlternatives(schema: unknown): string {
  const options = (schema as { oneOf?: Array<{ type?: string; const?: unknown }> } | undefined)?.oneOf ?? [];
  const names = options.map((o) => (o.const !== undefined ? JSON.stringify(o.const) : o.type === 'array' ? 'a list' : o.type === 'object' ? 'a mapping' : `a ${o.type ?? 'value'}`));
  return names.length ? `expected ${names.join(' or ')}` : 'see docs/roles.md';
}
