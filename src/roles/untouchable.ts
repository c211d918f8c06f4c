/**
 * Roles pgwarden never creates, alters, grants to, revokes from or drops, whatever the roles file
 * says: the bootstrap superuser, Postgres's predefined roles, the roles managed services keep for
 * themselves, and the user applying the plan.
 */
export const NEVER_TOUCHED_NAMES: readonly string[] = ['postgres', 'PUBLIC', 'public'];

/** Name patterns of predefined and managed-service roles. */
export const NEVER_TOUCHED_PATTERNS: readonly RegExp[] = [
  /^pg_/, // Postgres's predefined roles (pg_read_all_data, pg_monitor, ...)
  /^rds/, // Amazon RDS and Aurora: rdsadmin, rds_superuser, rdsrepladmin, ...
  /^azure/, // Azure Database for PostgreSQL: azure_superuser, azure_pg_admin, ...
  /^cloudsql/, // Google Cloud SQL: cloudsqladmin, cloudsqlsuperuser, ...
  /^alloydb/, // Google AlloyDB
  /^supabase_/, // Supabase's internal roles
  /^neon_/, // Neon's internal roles
  /^aiven/, // Aiven's internal roles
];

/** Why a role may not be touched, or undefined when it may. */
export function untouchableReason(name: string, options: { applier?: string | undefined; ignore?: readonly string[] | undefined } = {}): string | undefined {
  if (NEVER_TOUCHED_NAMES.includes(name)) return `"${name}" is reserved (the bootstrap superuser or PUBLIC)`;
  if (NEVER_TOUCHED_PATTERNS.some((p) => p.test(name))) return `"${name}" is a predefined or managed-service role`;
  if (options.applier !== undefined && name === options.applier) return `"${name}" is the user applying the plan`;
  if (options.ignore?.includes(name)) return `"${name}" is listed under managed.ignore`;
  return undefined;
}
