/**
 * Whether a statement works on a table (or index) that the same migration created earlier. Nobody
 * else uses such a table yet, so its locks block no one and rewriting it costs nothing: the locking
 * rules stay quiet about it (the complaint squawk's users raise most).
 */
import type { LintStatement, SchemaModel } from '../types.js';
import { lookupName, rangeVarOfNames, sameRelation, strings, type RangeVar } from './ast.js';

/**
 * isNewTable's answers by statement and relation: some 15 rules ask it about the same ALTER TABLE,
 * each with the model just before that statement.
 */
const newTableAnswers = new WeakMap<LintStatement, Map<RangeVar, boolean>>();

/**
 * True when `relation` is a table created earlier in the statement's own migration. `model` is the
 * model just before the statement (what statement hooks get): the answer is remembered for it.
 */
export function isNewTable(statement: LintStatement, model: SchemaModel, relation: RangeVar | undefined): boolean {
  if (!relation) return false;
  let answers = newTableAnswers.get(statement);
  let answer = answers?.get(relation);
  if (answer === undefined) {
    answer = computeIsNewTable(statement, model, relation);
    if (!answers) newTableAnswers.set(statement, (answers = new Map()));
    answers.set(relation, answer);
  }
  return answer;
}

function computeIsNewTable(statement: LintStatement, model: SchemaModel, relation: RangeVar): boolean {
  const table = model.table(lookupName(relation));
  if (table) return table.createdIn !== undefined && table.createdIn === statement.migration.file.revision;
  // The model does not know it (a table the history never shows, or a statement the model skips):
  // look for its CREATE earlier in the same section.
  return createdEarlier(statement, relation);
}

/** True when an index of that name was created earlier in the migration, or belongs to a new table. */
export function isNewIndex(statement: LintStatement, model: SchemaModel, names: string[]): boolean {
  const relation = rangeVarOfNames(names);
  const index = model.index(lookupName(relation));
  if (index) {
    const table = model.table(index.table);
    if (table && table.createdIn !== undefined && table.createdIn === statement.migration.file.revision) return true;
  }
  const statements = statement.section === 'up' ? statement.migration.up : statement.migration.down;
  for (let i = 0; i < statement.index; i++) {
    const earlier = statements[i]!;
    if (earlier.kind !== 'IndexStmt' || !earlier.ast.idxname) continue;
    if (sameRelation({ schemaname: earlier.ast.relation?.schemaname, relname: earlier.ast.idxname }, relation)) return true;
  }
  return false;
}

function createdEarlier(statement: LintStatement, relation: RangeVar): boolean {
  const statements = statement.section === 'up' ? statement.migration.up : statement.migration.down;
  for (let i = 0; i < statement.index; i++) {
    const earlier = statements[i]!;
    const created = createdRelation(earlier);
    if (created && sameRelation(created, relation)) return true;
  }
  return false;
}

/**
 * The table a CREATE TABLE (or CREATE TABLE AS, SELECT INTO) statement creates, or the materialized
 * view a CREATE MATERIALIZED VIEW creates: an index on it, like one on a new table, blocks no one.
 */
export function createdRelation(statement: LintStatement): RangeVar | undefined {
  if (statement.kind === 'CreateStmt') return statement.ast.relation;
  if (statement.kind === 'CreateTableAsStmt' && (statement.ast.objtype === 'OBJECT_TABLE' || statement.ast.objtype === 'OBJECT_MATVIEW')) return statement.ast.into?.rel;
  if (statement.kind === 'SelectStmt' && statement.ast.intoClause) return statement.ast.intoClause.rel;
  return undefined;
}

/** The names of the objects of a DROP statement, each as a RangeVar. */
export function droppedObjects(statement: LintStatement): RangeVar[] {
  if (statement.kind !== 'DropStmt') return [];
  return ((statement.ast.objects ?? []) as any[]).map((object) => rangeVarOfNames(object?.List ? strings(object.List.items) : strings([object])));
}
