/**
 * Whether an expression of a parse tree may be VOLATILE (evaluated per row). PostgreSQL 11+ adds a
 * column with a non-volatile default without rewriting the table; a volatile one (random(),
 * gen_random_uuid(), clock_timestamp(), nextval(), any function we cannot vouch for) rewrites it.
 */
import { isNonVolatileBuiltin } from './non-volatile-functions.js';

/**
 * What makes `node` (a parse tree expression, e.g. a column DEFAULT) possibly volatile — `random()`,
 * `a sub-select` — or undefined when it is not. Constants, casts, operators and built-in functions
 * that have no VOLATILE overload for the given number of arguments are non-volatile; any other
 * function call (user functions, schema-qualified functions outside pg_catalog, `random()`,
 * `now(123)`), sub-selects and parameters count as volatile.
 */
export function volatilePart(node: unknown): string | undefined {
  if (node === null || node === undefined || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = volatilePart(item);
      if (found) return found;
    }
    return undefined;
  }
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length !== 1) {
    for (const [, value] of entries) {
      const found = typeof value === 'object' ? volatilePart(value) : undefined;
      if (found) return found;
    }
    return undefined;
  }
  const [kind, body] = entries[0]!;
  switch (kind) {
    case 'A_Const':
    case 'SQLValueFunction':
    case 'ColumnRef':
      // SQLValueFunction is current_timestamp, current_date, current_user, ...: all stable.
      return undefined;
    case 'FuncCall':
      return volatileCall(body as Record<string, any>);
    case 'SubLink':
      return 'a sub-select';
    case 'ParamRef':
      return 'a parameter';
    default:
      return typeof body === 'object' ? volatilePart(body) : undefined;
  }
}

/** Whether `node` may be volatile (see volatilePart). */
export function mayBeVolatile(node: unknown): boolean {
  return volatilePart(node) !== undefined;
}

function volatileCall(call: Record<string, any>): string | undefined {
  const names: string[] = (call.funcname ?? []).map((n: any) => n?.String?.sval as string);
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const name = names[names.length - 1] ?? '';
  const args: unknown[] = call.args ?? [];
  const shown = `${names.join('.')}(${args.length > 0 ? '...' : ''})`;
  if (schema !== undefined && schema !== 'pg_catalog') return shown;
  if (call.agg_star || call.over || call.agg_filter) return shown;
  if (!isNonVolatileBuiltin(name, args.length)) return shown;
  return volatilePart(args);
}
