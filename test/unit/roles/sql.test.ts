import { describe, expect, it } from 'vitest';
import { joinComment, splitComment } from '../../../src/roles/desired.js';
import { listElements, objectSql, setSettingSql } from '../../../src/roles/sql.js';

describe('roles SQL text', () => {
  it('quotes every name and value', () => {
    expect(setSettingSql(`x"; DROP ROLE y; --`, 'statement_timeout', `1s'; DROP ROLE y; --`)).toBe(
      `ALTER ROLE "x""; DROP ROLE y; --" SET "statement_timeout" = '1s''; DROP ROLE y; --'`,
    );
    expect(setSettingSql('app', 'search_path', '"$user", public')).toBe(`ALTER ROLE "app" SET "search_path" = '$user', 'public'`);
    expect(setSettingSql('app', 'pgwarden.tenant', 'a\\b')).toBe(`ALTER ROLE "app" SET "pgwarden"."tenant" = E'a\\\\b'`);
    expect(objectSql('table', 'My Schema', 'a"b')).toBe('"My Schema"."a""b"');
  });

  it('reads list settings as Postgres stores them', () => {
    expect(listElements('"$user", public')).toEqual(['$user', 'public']);
    expect(listElements('"a, b", "say ""hi""", c')).toEqual(['a, b', 'say "hi"', 'c']);
    expect(listElements('')).toEqual([]);
  });

  it('keeps the applied password version in the comment, apart from the comment proper', () => {
    expect(joinComment('Service account.', '3')).toBe('Service account.\n\n[pgwarden password-version: 3]');
    expect(splitComment('Service account.\n\n[pgwarden password-version: 3]')).toEqual({ comment: 'Service account.', passwordVersion: '3' });
    expect(splitComment(joinComment(null, '7'))).toEqual({ comment: null, passwordVersion: '7' });
    expect(splitComment('mentions [pgwarden password-version: 1] inside')).toEqual({ comment: 'mentions [pgwarden password-version: 1] inside', passwordVersion: undefined });
  });
});
