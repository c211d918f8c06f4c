/** Replays SQL into a schema model, the way the engine does, for model tests. */
import { emptySchema, type Schema } from '../../../../src/lint/model/schema.js';
import type { LintMigration, LintStatement } from '../../../../src/lint/types.js';
import { ensureParser, parseSql } from '../../../../src/sql/parse.js';

/** Applies every statement of `sql` to `model` as part of a migration with `revision`. */
export async function applySql(model: Schema, sql: string, revision = '20260101000000'): Promise<Schema> {
  await ensureParser();
  const migration = { file: { revision } } as unknown as LintMigration;
  parseSql(sql).forEach((statement, index) => {
    model.apply({ ...statement, migration, section: 'up', index, fileOffset: statement.start, line: 1, column: 1, endLine: 1, endColumn: 1 } as LintStatement);
  });
  return model;
}

/** A new model with `sql` replayed. */
export async function modelOf(sql: string): Promise<Schema> {
  return applySql(emptySchema(), sql);
}
