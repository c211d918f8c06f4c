import { stringList } from './names.js';
import type { Schema } from './schema.js';
import { alterTable, createTable, createTableAs } from './apply-table.js';
import { dropStatement } from './apply-drop.js';
import { alterObjectSchema, renameStatement } from './apply-rename.js';
import {
  alterEnum,
  alterSequence,
  comment,
  createAggregate,
  createEnum,
  createFunction,
  createIndex,
  createPolicy,
  createSchema,
  createSequence,
  createTrigger,
  createType,
  materializedView,
  setVariable,
  viewStatement,
} from './apply-objects.js';
import { grantRoleStatement, grantStatement } from './apply-grant.js';
import { noteUnseenEffects } from './unseen.js';
import { noteCreated } from './existence.js';

/**
 * Applies one statement (node kind and body) to the model. Statements without schema effect are
 * ignored; what a statement may do that the model does not follow is noted (see unseen.ts).
 */
export function applyStatement(s: Schema, kind: string, ast: any, revision: string | undefined, text?: string): void {
  noteUnseenEffects(s, kind, ast, text);
  switch (kind) {
    case 'CreateStmt':
      return createTable(s, ast, revision);
    case 'CreateTableAsStmt':
      return ast.objtype === 'OBJECT_MATVIEW' ? materializedView(s, ast) : createTableAs(s, ast, revision);
    case 'AlterTableStmt':
      return alterTable(s, ast);
    case 'DropStmt':
      return dropStatement(s, ast);
    case 'IndexStmt':
      return createIndex(s, ast);
    case 'RenameStmt':
      return renameStatement(s, ast);
    case 'AlterObjectSchemaStmt':
      return alterObjectSchema(s, ast);
    case 'ViewStmt':
      return viewStatement(s, ast);
    case 'CreateEnumStmt':
      return createEnum(s, ast);
    case 'AlterEnumStmt':
      return alterEnum(s, ast);
    case 'CompositeTypeStmt':
      return createType(s, [ast.typevar?.schemaname, ast.typevar?.relname].filter(Boolean), 'composite');
    case 'CreateDomainStmt':
      return createType(s, stringList(ast.domainname), 'domain');
    case 'CreateRangeStmt':
      return createType(s, stringList(ast.typeName), 'range');
    case 'DefineStmt':
      if (ast.kind === 'OBJECT_TYPE') createType(s, stringList(ast.defnames), 'base');
      else if (ast.kind === 'OBJECT_AGGREGATE') createAggregate(s, ast);
      return;
    case 'CreateSeqStmt':
      return createSequence(s, ast);
    case 'AlterSeqStmt':
      return alterSequence(s, ast);
    case 'CreateFunctionStmt':
      return createFunction(s, ast);
    case 'CreateTrigStmt':
      return createTrigger(s, ast);
    case 'CreateExtensionStmt':
      s.mut.extensions.add(ast.extname);
      noteCreated(s, 'ext', ast.extname, 'extension');
      return;
    case 'CreateSchemaStmt':
      return createSchema(s, ast);
    case 'GrantStmt':
      return grantStatement(s, ast);
    case 'GrantRoleStmt':
      return grantRoleStatement(s, ast);
    case 'CommentStmt':
      return comment(s, ast);
    case 'CreatePolicyStmt':
      return createPolicy(s, ast);
    case 'VariableSetStmt':
      return setVariable(s, ast);
    case 'DiscardStmt':
      // DISCARD TEMP (and ALL) drops the session's temporary relations: whatever a migration left.
      if (ast.target === 'DISCARD_TEMP' || ast.target === 'DISCARD_ALL') s.forgetTemporary(false);
      return;
    default:
      return;
  }
}
