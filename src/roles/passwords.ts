import { existsSync, readFileSync } from 'node:fs';
import { PgwardenError, type Problem } from '../errors.js';
import { registerSecret } from '../redact.js';
import type { PasswordSource } from './desired.js';
import type { RolesPlan } from './plan.js';
import type { RolesFile, SpecLocation } from './types.js';

/** Reads a password from its source at apply time; it is registered as a secret so no output can show it. */
export function readPassword(source: PasswordSource, role: string, environ: NodeJS.ProcessEnv = process.env): string {
  let value: string | undefined;
  if ('env' in source) {
    value = environ[source.env];
    if (!value) throw new PgwardenError('ROLES_INVALID', `The password of role ${JSON.stringify(role)} comes from $${source.env}, which is not set: export it and apply again. Nothing was applied.`);
  } else {
    if (!existsSync(source.file)) throw new PgwardenError('ROLES_INVALID', `The password of role ${JSON.stringify(role)} comes from ${source.file}, which does not exist. Nothing was applied.`);
    value = readFileSync(source.file, 'utf8').replace(/[\r\n]+$/, '');
    if (!value) throw new PgwardenError('ROLES_INVALID', `The password file ${source.file} of role ${JSON.stringify(role)} is empty. Nothing was applied.`);
  }
  registerSecret(value);
  return value;
}

/**
 * Where the `password` of a role is written in the roles file: under the environment's roles when
 * the environment declares the role, else under the top-level roles.
 */
export function passwordLocation(rolesFile: RolesFile, environment: string | undefined, role: string): SpecLocation {
  const inEnvironment = environment !== undefined && rolesFile.spec.environments?.[environment]?.roles?.[role] !== undefined;
  return rolesFile.locate(inEnvironment ? ['environments', environment, 'roles', role, 'password'] : ['roles', role, 'password']);
}

/**
 * The passwords a plan needs that cannot be read now (a variable not set, a file missing or empty),
 * each as a problem at the line of its `password` entry, so that roles plan, roles apply and deploy
 * name the same line. Each readable one is read and forgotten.
 */
export function unreadablePasswords(rolesFile: RolesFile, plan: Pick<RolesPlan, 'changes' | 'environment'>, environ: NodeJS.ProcessEnv = process.env): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const change of plan.changes) {
    if (!change.password || seen.has(change.password.role)) continue;
    const role = change.password.role;
    seen.add(role);
    try {
      readPassword(change.password.source, role, environ);
    } catch (error) {
      const at = passwordLocation(rolesFile, plan.environment, role);
      problems.push({ file: rolesFile.file, ...(at.line !== undefined ? { line: at.line } : {}), path: at.path, message: (error as Error).message.replace(/ Nothing was applied\.$/, '') });
    }
  }
  return problems;
}
