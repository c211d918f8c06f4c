/**
 * Functions and procedures as the model keys them: `schema.name` in `functions`, each with the
 * signatures of its overloads (`f(int4,varchar(20))`); and as Postgres tells them apart, by name and
 * input argument types without type modifiers (`f(int4,varchar)`), the key of the `fn` namespace.
 */
import { listName, stringList, typeInfo, typeText } from './names.js';
import type { Schema } from './schema.js';

/** `f(int4,text)`-style signature of a routine's input argument types (TypeName nodes). */
export function signatureOf(name: string, types: any[]): string {
  return `${name}(${types.map((t) => typeText(typeInfo(t?.TypeName ?? t))).join(',')})`;
}

/** Whether an argument type is written `table.column%TYPE`: what that stands for may change. */
export function typesByReference(types: any[]): boolean {
  return types.some((t) => (t?.TypeName ?? t)?.pct_type === true);
}

/** The signature argument types give, unless one is written by reference (`%TYPE`). */
export function writtenSignature(name: string, types: any[]): string | undefined {
  return typesByReference(types) ? undefined : signatureOf(name, types);
}

/** A signature as Postgres compares them: type modifiers do not count (`f(varchar(10))` is `f(varchar)`). */
export function routineSignature(signature: string): string {
  return signature.replace(/\(\d+(?:,\d+)*\)/g, '');
}

/** The key of a routine in the `fn` namespace: its schema (from its key in `functions`) and signature. */
export function routineKey(key: string, signature: string): string {
  return `${key.slice(0, key.lastIndexOf('.'))}.${routineSignature(signature)}`;
}

/** The input argument types of CREATE FUNCTION / PROCEDURE's parameters: OUT and TABLE ones do not count. */
export function inputTypes(parameters: any[] | undefined): any[] {
  return (parameters ?? [])
    .map((p: any) => p.FunctionParameter)
    .filter((p: any) => p && p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE')
    .map((p: any) => p.argType);
}

/** The signatures of `key` that `signature` names (written another way: `varchar(10)` for `varchar(20)`). */
export function matchingSignatures(s: Schema, key: string, signature: string): string[] {
  const wanted = routineSignature(signature);
  return [...(s.functions.get(key) ?? [])].filter((sig) => routineSignature(sig) === wanted);
}

/** What an ObjectWithArgs names: the routine's key in the model, if it has one. */
export interface RoutineTarget {
  key: string | undefined;
  /** The signature, when the arguments were written. */
  signature: string | undefined;
  /** An argument type is written `table.column%TYPE`: the signature is the model's guess. */
  byReference: boolean;
  name: string;
  schema: string | undefined;
}

export function functionKeyAndSignature(s: Schema, owa: any): RoutineTarget {
  const { schema, name } = listName(stringList(owa.objname));
  const key = s.resolveName(s.functions, name, schema);
  const signature = owa.args_unspecified ? undefined : signatureOf(name, owa.objargs ?? []);
  return { key, signature, byReference: signature !== undefined && typesByReference(owa.objargs ?? []), name, schema };
}
