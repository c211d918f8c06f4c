import { describe, expect, it } from 'vitest';
import { passwordsOf, redactText, redactUrl } from '../../../src/redact.js';
import { checkConnectionString } from '../../../src/connection-string.js';

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

  it.each([
    // Only the password value goes; what follows it in the query stays readable.
    ['postgres://u@h/db?password=x&sslmode=require', 'postgres://u@h/db?password=***&sslmode=require'],
    ['postgres://u@h/db?sslmode=require&password=x&application_name=app', 'postgres://u@h/db?sslmode=require&password=***&application_name=app'],
    ['postgres://u@h/db?password=a%26b%3Dc+d&sslmode=require#frag', 'postgres://u@h/db?password=***&sslmode=require#frag'],
    ['postgres://u@h/db?password=se@cr:et&sslmode=require', 'postgres://u@h/db?password=***&sslmode=require'],
    ['postgres://u:pw@h/db?sslpassword=keypass&sslmode=verify-full', 'postgres://u:***@h/db?sslpassword=***&sslmode=verify-full'],
    ['postgres://u@h/db?PASSWORD=x&sslmode=require', 'postgres://u@h/db?PASSWORD=***&sslmode=require'],
    // A query-password pattern inside the userinfo password does not end the password early.
    ['postgresql://u:a?password=b@host/db?sslmode=require', 'postgresql://u:***@host/db?sslmode=require'],
    ['postgresql:///db?host=/var/run/postgresql&password=x&user=u', 'postgresql:///db?host=/var/run/postgresql&password=***&user=u'],
  ])('query password: %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
    expect(redactUrl(expected)).toBe(expected);
  });

  it.each([
    ['host=h password=abc123 dbname=app sslmode=require', 'host=h password=*** dbname=app sslmode=require'],
    ["password='a b' host=x", 'password=*** host=x'],
    ["host=x password = 'it\\'s a \\\\ b' port=5432", 'host=x password = *** port=5432'],
    ["password='it\\'s' sslmode=require", 'password=*** sslmode=require'],
    ['password=a\\ b host=x', 'password=*** host=x'],
    ["password='' host=x", 'password=*** host=x'],
    ["password='x=y&z@w#' host=x user=u", 'password=*** host=x user=u'],
    ['host=x sslpassword=keypass sslcert=c.pem', 'host=x sslpassword=*** sslcert=c.pem'],
    // An unterminated quoted value hides the rest rather than a part of the password.
    ["host=x password='abc def", 'host=x password=***'],
  ])('keyword/value: %s', (conninfo, expected) => {
    expect(redactUrl(conninfo)).toBe(expected);
    expect(redactUrl(expected)).toBe(expected);
  });

  it('leaves a URL query alone when redacting keyword passwords, and both forms in one text', () => {
    expect(redactText("tried postgres://u@h/db?password=x&sslmode=require, then host=h password='p w' port=1", [])).toBe(
      'tried postgres://u@h/db?password=***&sslmode=require, then host=h password=*** port=1',
    );
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

describe('passwordsOf', () => {
  it.each([
    ['postgresql://app:hunter2@prodSecret99@127.0.0.1:1/app', ['hunter2@prodSecret99']],
    ['postgresql://u:pa:ss@host/db', ['pa:ss']],
    ['postgresql://u:p@ss:w/rd%Z9@host/db', ['p@ss:w/rd%Z9']],
    ['postgresql://u:p%40ss%2Fw%23rd%3F@host/db', ['p@ss/w#rd?']],
    ['postgresql://u@host/db?password=se%20cret', ['se cret']],
    // As pg reads query values (URLSearchParams): + is a space.
    ['postgresql://u@host/db?password=a+b%26c&sslmode=require', ['a b&c']],
    ['postgresql://u:first@host/db?sslpassword=keypass', ['first', 'keypass']],
    ['host=h user=u password=abc123', ['abc123']],
    ["host=h password='a b' user=u", ['a b']],
    ["password='it\\'s \\\\ x' host=h", ["it's \\ x"]],
    ['password=a\\ b host=h', ['a b']],
    ['postgresql://u@host/db', []],
  ])('%s', (url, expected) => {
    expect(passwordsOf(url)).toEqual(expected);
  });
});

describe('checkConnectionString', () => {
  it('refuses the keyword/value form, which pg would read as a database name, with the password redacted', () => {
    let error: Error | undefined;
    try {
      checkConnectionString("host=db.example.com password='s3 cr3t' dbname=app", '--url');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain("host=db.example.com password=*** dbname=app (--url) is in libpq's keyword/value form");
    expect(error?.message).toContain('postgresql://user:password@host:port/database');
    expect(error?.message).not.toContain('s3 cr3t');
    expect((error as { code?: string }).code).toBe('USAGE');
  });
});
