import type { DriftFinding } from './types.js';

/**
 * A `driftIgnore` pattern as a regular expression: `*` matches any run of characters (dots
 * included), `?` one character; everything else literally; the whole text must match.
 */
export function globPattern(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * The texts an ignore pattern is matched against, for one finding:
 * - the object (`public.jobs.legacy_flag`, `public.idx_tmp`, `20261118093000`);
 * - the object and the changed property (`public.jobs.owner`, `public.users.email.comment`);
 * - the type and the object (`column public.jobs.legacy_flag`, `index public.idx_tmp`,
 *   `privilege public.users`, `migration 20261118093000`);
 * - for a privilege, with its grantee (`privilege public.users to app_rw`);
 * and each of these prefixed by the class (`documentation:public.users.email.comment`).
 */
export function ignoreSubjects(finding: DriftFinding): string[] {
  const subjects = [finding.object, `${finding.objectType} ${finding.object}`];
  if (finding.path) subjects.push(`${finding.object}.${finding.path}`);
  if (finding.grantee !== undefined) subjects.push(`${finding.objectType} ${finding.object} to ${finding.grantee}`);
  return [...subjects, ...subjects.map((s) => `${finding.class}:${s}`)];
}

/** Splits findings into those kept and those an ignore pattern matches. */
export function applyIgnores(findings: DriftFinding[], patterns: readonly string[]): { kept: DriftFinding[]; ignored: DriftFinding[] } {
  const regexps = patterns.map(globPattern);
  const kept: DriftFinding[] = [];
  const ignored: DriftFinding[] = [];
  for (const finding of findings) {
    const subjects = ignoreSubjects(finding);
    (regexps.some((r) => subjects.some((s) => r.test(s))) ? ignored : kept).push(finding);
  }
  return { kept, ignored };
}
