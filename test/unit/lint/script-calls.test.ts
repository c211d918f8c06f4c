import { describe, expect, it } from 'vitest';
import { callEnd } from '../../../src/lint/script-calls.js';

/** The text of the call that starts at the first `^` of `marked` (the `^` removed). */
function call(marked: string): string {
  const start = marked.indexOf('^');
  const text = marked.slice(0, start) + marked.slice(start + 1);
  return text.slice(start, callEnd(text, start));
}

describe('callEnd', () => {
  it('ends a call at its semicolon, a comma or the end of its line, without a trailing comment', () => {
    expect(call("  ^pgm.sql('SELECT 1'); pgm.sql('SELECT 2');")).toBe("pgm.sql('SELECT 1')");
    expect(call("  ^pgm.sql('SELECT 1') // backfill\n  pgm.sql('x')")).toBe("pgm.sql('SELECT 1')");
    expect(call("  ^pgm.sql('SELECT 1')\r\n")).toBe("pgm.sql('SELECT 1')");
    expect(call("  run(a, ^helper(pgm, 'b'), c);")).toBe("helper(pgm, 'b')");
    expect(call("exports.up = (pgm) => { ^pgm.sql('x') };")).toBe("pgm.sql('x')");
  });

  it('follows brackets over lines to the line where they close', () => {
    expect(call("^pgm.createTable('users', {\n  id: 'id',\n  tags: { type: 'text[]' },\n});\nnext();")).toBe("pgm.createTable('users', {\n  id: 'id',\n  tags: { type: 'text[]' },\n})");
    expect(call("^tables.forEach((t) => {\n  pgm.addColumn(t, { a: 'int' });\n});")).toBe("tables.forEach((t) => {\n  pgm.addColumn(t, { a: 'int' });\n})");
  });

  it('skips brackets in strings, template literals, comments and regular expressions', () => {
    expect(call("^pgm.sql('SELECT (1; \\' )');")).toBe("pgm.sql('SELECT (1; \\' )')");
    expect(call('^pgm.sql("UPDATE t SET a = \'(\' ;");')).toBe('pgm.sql("UPDATE t SET a = \'(\' ;")');
    expect(call('^pgm.sql(`\n  UPDATE t SET a = ${f({ x: `)}` })};\n  -- )\n`);\nnext();')).toBe('pgm.sql(`\n  UPDATE t SET a = ${f({ x: `)}` })};\n  -- )\n`)');
    expect(call("^pgm.addColumn('t', { // (\n  a: 'int' /* } */,\n});")).toBe("pgm.addColumn('t', { // (\n  a: 'int' /* } */,\n})");
    expect(call("^pgm.sql(text.replace(/[(]\\)/g, ''));")).toBe("pgm.sql(text.replace(/[(]\\)/g, ''))");
    expect(call('^pgm.sql(String(width / 2) + (height / 2));')).toBe('pgm.sql(String(width / 2) + (height / 2))');
  });

  it('falls back to the end of the line when the brackets do not close', () => {
    expect(call("^pgm.sql('x', (  \nmore")).toBe("pgm.sql('x', (");
    expect(call("^pgm.sql('unterminated);\nnext();")).toBe("pgm.sql('unterminated);");
    expect(call('^pgm.sql(a]);')).toBe('pgm.sql(a]);');
  });
});
