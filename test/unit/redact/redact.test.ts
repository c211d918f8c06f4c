import { describe, expect, it } from 'vitest';
import { passwordOf, redactText, redactUrl } from '../../../src/redact.js';

describe('redactUrl', () => {
  it.each([
    ['postgresql://app:hunter2@prodSecret99@127.0.0.1:1/app', 'postgresql://app:***@127.0.0.1:1/app'],
    ['postgresql://sec:S3cr3tPass@word@127.0.0.1:5432/b3', 'postgresql://sec:***@127.0.0.1:5432/b3'],
    ['postgres://u:pa:ss:wd@db.example.com/app', 'postgres://u:***@db.example.com/app'],
    ['postgresql://u:p@ss:w/rd%Z9@host/db', 'postgresql://u:***@host/db'],
    ['postgresql://u:a#b?c/d@host:5432/db?sslmode=require', 'postgresql://u:***@host:5432/db?sslmode=require'],
    ['postgresql://u:p%40ss%2Fw%23rd%3F@host/db', 'postgresql://u:***@host/db'],
    ['postgresql://u:secretpw@host/db?password=other1', 'postgresql://u:***@host/db?password=***'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves URLs without a password as they are, and is idempotent', () => {
    expect(redactUrl('postgresql://app@host/db')).toBe('postgresql://app@host/db');
    expect(redactUrl('postgresql://host/db')).toBe('postgresql://host/db');
    expect(redactUrl(redactUrl('postgresql://a:b@c@host/db'))).toBe('postgresql://a:***@host/db');
  });

  it('redacts a URL inside free text and stops at the end of it', () => {
    expect(redactText('Cannot connect to postgresql://app:x@y@127.0.0.1:1/app: refused (and "postgresql://b:c:d@h/e").', [])).toBe(
      'Cannot connect to postgresql://app:***@127.0.0.1:1/app: refused (and "postgresql://b:***@h/e").',
    );
  });
});

describe('redactText with known secrets', () => {
  it('hides a password holding @ wherever it appears, whole', () => {
    const out = redactText('password S3cr3tPass@word in postgresql://sec:S3cr3tPass@word@127.0.0.1/b3', ['S3cr3tPass@word']);
    expect(out).toBe('password *** in postgresql://sec:***@127.0.0.1/b3');
    expect(out).not.toContain('S3cr3t');
    expect(out).not.toContain('@word');
  });
});

describe('passwordOf', () => {
  it.each([
    ['postgresql://app:hunter2@prodSecret99@127.0.0.1:1/app', 'hunter2@prodSecret99'],
    ['postgresql://u:pa:ss@host/db', 'pa:ss'],
    ['postgresql://u:p@ss:w/rd%Z9@host/db', 'p@ss:w/rd%Z9'],
    ['postgresql://u:p%40ss%2Fw%23rd%3F@host/db', 'p@ss/w#rd?'],
    ['postgresql://u@host/db?password=se%20cret', 'se cret'],
    ['host=h user=u password=abc123', 'abc123'],
    ['postgresql://u@host/db', undefined],
  ])('%s', (url, expected) => {
    expect(passwordOf(url)).toBe(expected);
  });
});
