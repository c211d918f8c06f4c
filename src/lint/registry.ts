/**
 * Every lint rule, by id. Rule id = file name in rules/ = docs page docs/rules/<id>.md = config key.
 * Adding a rule: write rules/<id>.ts exporting `rule`, its docs page, and list it here.
 */
import type { Rule } from './types.js';

// Governance: the history, its headers and its reversibility.
import { rule as syntaxError } from './rules/syntax-error.js';
import { rule as revisionHeader } from './rules/revision-header.js';
import { rule as revisionUnique } from './rules/revision-unique.js';
import { rule as revisionChain } from './rules/revision-chain.js';
import { rule as singleHead } from './rules/single-head.js';
import { rule as requireDocstring } from './rules/require-docstring.js';
import { rule as requireDown } from './rules/require-down.js';
import { rule as emptyMigration } from './rules/empty-migration.js';
import { rule as downReversesUp } from './rules/down-reverses-up.js';
import { rule as irreversibleOperation } from './rules/irreversible-operation.js';
import { rule as fkTargetExists } from './rules/fk-target-exists.js';
import { rule as createExistingObject } from './rules/create-existing-object.js';
import { rule as missingObject } from './rules/missing-object.js';
import { rule as dropOrder } from './rules/drop-order.js';
import { rule as transactionNesting } from './rules/transaction-nesting.js';
import { rule as banUncommittedTransaction } from './rules/ban-uncommitted-transaction.js';
import { rule as banDuplicateColumnAssignments } from './rules/ban-duplicate-column-assignments.js';
import { rule as banConcurrentIndexCreationInTransaction } from './rules/ban-concurrent-index-creation-in-transaction.js';
import { rule as requiresNewerPostgres } from './rules/requires-newer-postgres.js';
import { rule as unusedIgnore } from './rules/unused-ignore.js';
import { rule as ignoreNeedsReason } from './rules/ignore-needs-reason.js';
// Safety and style: locking hazards (squawk ids where squawk covers the same hazard).
import { rule as addingFieldWithDefault } from './rules/adding-field-with-default.js';
import { rule as addingForeignKeyConstraint } from './rules/adding-foreign-key-constraint.js';
import { rule as addingNotNullableField } from './rules/adding-not-nullable-field.js';
import { rule as addingRequiredField } from './rules/adding-required-field.js';
import { rule as addingSerialPrimaryKeyField } from './rules/adding-serial-primary-key-field.js';
import { rule as banAlterDomainWithAddConstraint } from './rules/ban-alter-domain-with-add-constraint.js';
import { rule as banCharField } from './rules/ban-char-field.js';
import { rule as banCreateDomainWithConstraint } from './rules/ban-create-domain-with-constraint.js';
import { rule as banDropColumn } from './rules/ban-drop-column.js';
import { rule as banDropDatabase } from './rules/ban-drop-database.js';
import { rule as banDropNotNull } from './rules/ban-drop-not-null.js';
import { rule as banDropTable } from './rules/ban-drop-table.js';
import { rule as banTruncateCascade } from './rules/ban-truncate-cascade.js';
import { rule as changingColumnType } from './rules/changing-column-type.js';
import { rule as constraintMissingNotValid } from './rules/constraint-missing-not-valid.js';
import { rule as disallowedUniqueConstraint } from './rules/disallowed-unique-constraint.js';
import { rule as identifierTooLong } from './rules/identifier-too-long.js';
import { rule as preferBigintOverInt } from './rules/prefer-bigint-over-int.js';
import { rule as preferBigintOverSmallint } from './rules/prefer-bigint-over-smallint.js';
import { rule as preferIdentity } from './rules/prefer-identity.js';
import { rule as preferRepack } from './rules/prefer-repack.js';
import { rule as preferTextField } from './rules/prefer-text-field.js';
import { rule as preferTimestamptz } from './rules/prefer-timestamptz.js';
import { rule as renamingColumn } from './rules/renaming-column.js';
import { rule as renamingTable } from './rules/renaming-table.js';
import { rule as requireConcurrentIndexCreation } from './rules/require-concurrent-index-creation.js';
import { rule as requireConcurrentIndexDeletion } from './rules/require-concurrent-index-deletion.js';
import { rule as requireConcurrentPartitionDetach } from './rules/require-concurrent-partition-detach.js';
import { rule as requireConcurrentReindex } from './rules/require-concurrent-reindex.js';
import { rule as requireEnumValueOrdering } from './rules/require-enum-value-ordering.js';
import { rule as requireLockTimeout } from './rules/require-lock-timeout.js';
import { rule as requireTableSchema } from './rules/require-table-schema.js';
import { rule as backfillInDdlTransaction } from './rules/backfill-in-ddl-transaction.js';
import { rule as fkMissingIndex } from './rules/fk-missing-index.js';

/** The rules `pgwarden lint` runs, governance first, then safety and style. */
export const rules: readonly Rule[] = [
  syntaxError,
  revisionHeader,
  revisionUnique,
  revisionChain,
  singleHead,
  requireDocstring,
  requireDown,
  emptyMigration,
  downReversesUp,
  irreversibleOperation,
  fkTargetExists,
  createExistingObject,
  missingObject,
  dropOrder,
  transactionNesting,
  banUncommittedTransaction,
  banDuplicateColumnAssignments,
  banConcurrentIndexCreationInTransaction,
  requiresNewerPostgres,
  unusedIgnore,
  ignoreNeedsReason,
  addingFieldWithDefault,
  addingForeignKeyConstraint,
  addingNotNullableField,
  addingRequiredField,
  addingSerialPrimaryKeyField,
  banAlterDomainWithAddConstraint,
  banCharField,
  banCreateDomainWithConstraint,
  banDropColumn,
  banDropDatabase,
  banDropNotNull,
  banDropTable,
  banTruncateCascade,
  changingColumnType,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  identifierTooLong,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentity,
  preferRepack,
  preferTextField,
  preferTimestamptz,
  renamingColumn,
  renamingTable,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentPartitionDetach,
  requireConcurrentReindex,
  requireEnumValueOrdering,
  requireLockTimeout,
  requireTableSchema,
  backfillInDdlTransaction,
  fkMissingIndex,
];

/** A rule by id. */
export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
