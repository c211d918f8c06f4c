import { listName, objectName, rangeVarName, stringList } from './names.js';
import type { GrantState, Schema } from './schema.js';
import { grantKey } from './schema.js';
import { functionKeyAndSignature } from './routines.js';

const KINDS: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'function',
  OBJECT_ROUTINE: 'function',
  OBJECT_SCHEMA: 'schema',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_DATABASE: 'database',
  OBJECT_LANGUAGE: 'language',
  OBJECT_FOREIGN_SERVER: 'server',
  OBJECT_FDW: 'foreign data wrapper',
  OBJECT_LARGEOBJECT: 'large object',
  OBJECT_TABLESPACE: 'tablespace',
  OBJECT_PARAMETER_ACL: 'parameter',
};

function granteeName(spec: any): string {
  const role = spec?.RoleSpec ?? spec;
  if (role?.roletype === 'ROLESPEC_PUBLIC') return 'PUBLIC';
  if (role?.roletype === 'ROLESPEC_CURRENT_USER') return 'CURRENT_USER';
  if (role?.roletype === 'ROLESPEC_SESSION_USER') return 'SESSION_USER';
  if (role?.roletype === 'ROLESPEC_CURRENT_ROLE') return 'CURRENT_ROLE';
  return role?.rolename ?? '?';
}

/** The qualified names a GRANT's object list names. */
function grantObjects(s: Schema, ast: any, kind: string): string[] {
  if (ast.targtype === 'ACL_TARGET_ALL_IN_SCHEMA') {
    const schemas = new Set(stringList(ast.objects));
    const inSchema = (key: string) => schemas.has(key.slice(0, key.lastIndexOf('.')));
    if (kind === 'table') return [...s.tableMap.keys(), ...s.viewMap.keys()].filter(inSchema);
    if (kind === 'sequence') return [...s.sequences.keys()].filter(inSchema);
    if (kind === 'function') return [...s.functions].filter(([k]) => inSchema(k)).flatMap(([k, sigs]) => [...sigs].map((sig) => `${k.slice(0, k.lastIndexOf('.'))}.${sig}`));
    return [];
  }
  const out: string[] = [];
  for (const object of ast.objects ?? []) {
    if (object.RangeVar) {
      const { schema, name } = rangeVarName(object.RangeVar);
      const map = kind === 'sequence' ? s.sequences : s.tableMap;
      out.push(s.resolveName(map, name, schema) ?? s.resolveName(s.viewMap, name, schema) ?? s.newName(name, schema));
    } else if (object.ObjectWithArgs) {
      const target = functionKeyAndSignature(s, object.ObjectWithArgs);
      const key = target.key ?? s.newName(target.name, listName(stringList(object.ObjectWithArgs.objname)).schema);
      const schema = key.slice(0, key.lastIndexOf('.'));
      const signatures = target.signature ? [target.signature] : [...(s.functions.get(key) ?? [`${target.name}()`])];
      for (const sig of signatures) out.push(`${schema}.${sig}`);
    } else if (kind === 'type') {
      const { schema, name } = listName(objectName(object));
      out.push(s.resolveName(s.types, name, schema) ?? s.newName(name, schema));
    } else {
      out.push(objectName(object).join('.'));
    }
  }
  return out;
}

/** GRANT / REVOKE on objects. Kept as one entry per privilege, object and grantee. */
export function grantStatement(s: Schema, ast: any): void {
  const kind = KINDS[ast.objtype] ?? ast.objtype?.replace(/^OBJECT_/, '').toLowerCase() ?? 'object';
  const objects = grantObjects(s, ast, kind);
  const grantees = (ast.grantees ?? []).map(granteeName);
  const privileges: string[] = (ast.privileges ?? []).map((p: any) => {
    const priv = p.AccessPriv;
    const cols = stringList(priv?.cols);
    return `${(priv?.priv_name ?? 'all').toUpperCase()}${cols.length > 0 ? ` (${cols.join(', ')})` : ''}`;
  });
  const all = privileges.length === 0;
  for (const object of objects) {
    for (const grantee of grantees) {
      if (ast.is_grant) {
        for (const privilege of all ? ['ALL'] : privileges) {
          const g: GrantState = { privilege, kind, object, grantee };
          s.mut.grantMap.set(grantKey(g), g);
        }
      } else {
        for (const [key, g] of s.grantMap) {
          if (g.kind !== kind || g.object !== object || g.grantee !== grantee) continue;
          if (all || privileges.includes(g.privilege) || g.privilege === 'ALL') s.mut.grantMap.delete(key);
        }
      }
    }
  }
}

/** GRANT role TO role / REVOKE role FROM role. */
export function grantRoleStatement(s: Schema, ast: any): void {
  const roles = (ast.granted_roles ?? []).map((r: any) => r.AccessPriv?.priv_name ?? '?');
  const grantees = (ast.grantee_roles ?? []).map(granteeName);
  for (const role of roles) {
    for (const grantee of grantees) {
      const g: GrantState = { privilege: 'MEMBER', kind: 'role', object: role, grantee };
      if (ast.is_grant) s.mut.grantMap.set(grantKey(g), g);
      else s.mut.grantMap.delete(grantKey(g));
    }
  }
}
