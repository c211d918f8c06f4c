/**
 * pgwarden: PostgreSQL migration and schema governance, as a library. The CLI (`pgwarden`) is a
 * thin layer over these exports.
 */
export { ExitCode } from './exit-codes.js';
export { PgwardenError, isPgwardenError, type ErrorCode, type Problem, type SourceLocation } from './errors.js';
export { redactUrl, redactText } from './redact.js';
export { loadConfig, parseConfig, resolveConfig, findConfigFile, type LoadConfigOptions } from './config/load.js';
export { configSchema } from './config/schema.js';
export type * from './config/types.js';
export { parseMigration, isEmptySection } from './migrations/parse.js';
export { loadMigrations } from './migrations/load.js';
export { buildGraph, linearHistory, type RevisionGraph, type GraphProblem } from './migrations/graph.js';
export { newMigration, revisionAt, slugOf } from './migrations/new.js';
export { checksumOf } from './migrations/checksum.js';
export type * from './migrations/types.js';
export { openDatabase, openThrowaway, describeTarget, environmentUrl, type TargetOptions, type ThrowawayOptions } from './providers/resolve.js';
export { startThrowawayCluster, startDevCluster, stopDevCluster, devClusterState, openDevCluster, type EmbeddedServer, type DevClusterState } from './providers/embedded.js';
export { throwawayDatabaseOn, urlDatabase, withDatabase } from './providers/url.js';
export { dockerUnavailableReason, startPostgresContainer } from './providers/testcontainers.js';
export type { DatabaseHandle } from './providers/types.js';
export { runMigrations, getStatus, type RunOptions, type RunResult, type ProgressEvent } from './runner/run.js';
export { computeStatus, type StatusReport, type MigrationStatus, type MigrationState } from './runner/status.js';
export { getHistory, type HistoryReport } from './runner/history.js';
export { acknowledgeModified, resolvePartial } from './runner/acknowledge.js';
export { migrationSteps, type MigrationSteps, type MigrationStep, type Direction } from './runner/steps.js';
export { connect } from './runner/session.js';
export { ensureParser, parseSql, lineColumnAt, SqlSyntaxError, type ParsedStatement } from './sql/parse.js';
export { readPrivileges, readDefaultPrivileges, readOwners, type PrivilegeObjectType, type PrivilegeGrant, type DefaultPrivilege, type OwnedObject, type PrivilegeReadOptions } from './catalog/privileges.js';
export { parseRolesFile, loadRolesFile } from './roles/load.js';
export { rolesSchema } from './roles/schema.js';
export { planRoles, computePlan, CHANGE_GROUPS, type RolesPlan, type RoleChange, type ChangeGroup, type PlanOptions } from './roles/plan.js';
export { applyRoles, planRolesOn, readPassword, type ApplyOptions, type ApplyResult } from './roles/apply.js';
export { generateRoles, type GenerateOptions, type GeneratedRoles } from './roles/generate.js';
export { readLiveCluster, type LiveCluster, type LiveRole, type LiveMembership } from './roles/live-roles.js';
export { scramVerifier } from './roles/scram.js';
export type * from './roles/types.js';
