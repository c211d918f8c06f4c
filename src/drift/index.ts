/** Drift: how a database differs from `schema/snapshot.json` or from another environment. */
export { checkDrift, type DriftOptions } from './drift.js';
export { compareWithReference, type ReferenceKind } from './compare.js';
export { applyIgnores, globPattern, ignoreSubjects } from './ignore.js';
export { ledgerFindings } from './ledger.js';
export { readEnvironment, type EnvironmentState } from './read-environment.js';
export { loadReferenceSnapshot, referenceSnapshotPath } from './reference.js';
export { DRIFT_CLASSES, type DriftClass, type DriftFinding, type DriftReport, type DriftTarget, type LedgerDisagreement } from './types.js';
