import { describe, expect, it } from 'vitest';
import { migrationInterrupt, statementInterrupt, statusCommand } from '../../../src/cli/interrupt.js';
import { commandFor, hintOptions } from '../../../src/providers/origin.js';

// What a user reads after a second Ctrl-C, or when a cancelled command does not end: the status
// command must be about the database the command worked on, never print its URL.
describe('interrupt messages', () => {
  it('name pgwarden status with the target the command was given', () => {
    expect(statusCommand({})).toBe('pgwarden status');
    expect(statusCommand({ env: 'staging' })).toBe('pgwarden status --env staging');
    expect(statusCommand({ url: 'postgresql://app:s3cret@db.internal/app' })).toBe('pgwarden status --url <the same URL>');
    const up = migrationInterrupt(statusCommand({ env: 'prod' }));
    expect(up.again('SIGINT')).toContain('pgwarden status --env prod shows where the database stands');
    expect(up.late).toContain('pgwarden status --env prod shows where the database stands');
    const roles = statementInterrupt('the running statement', statusCommand({ url: 'postgresql://app:s3cret@db.internal/app' }));
    expect(roles.again('SIGTERM')).toContain('pgwarden status --url <the same URL> shows');
    expect(roles.again('SIGTERM')).not.toContain('s3cret');
  });
});

describe('hintOptions: how a hint names the server a throwaway database was made on', () => {
  it('carries --url (never the URL), --env and --pg-version as given; $DATABASE_URL needs nothing', () => {
    expect(commandFor({ origin: { options: hintOptions({ url: 'postgresql://ci:s3cret@db/postgres' }) } }, 'check')).toBe('pgwarden check --url <the same URL>');
    expect(commandFor({ origin: { options: hintOptions({ env: 'ci' }) } }, 'check')).toBe('pgwarden check --env ci');
    expect(commandFor({ origin: { options: hintOptions({ pgVersion: '16' }) } }, 'check')).toBe('pgwarden check --pg-version 16');
    expect(commandFor({ origin: { options: hintOptions({ url: 'postgresql://x@y/z', env: 'ci' }) } }, 'check')).toBe('pgwarden check --url <the same URL> --env ci');
    expect(commandFor({ origin: { options: hintOptions({}) } }, 'check')).toBe('pgwarden check');
  });
});
