import { describe, expect, it } from 'vitest';
import { erDiagram, mermaidName, mermaidType } from '../../../src/docs/mermaid.js';
import { column, foreignKey, index, snapshot, table } from './fixtures.js';

describe('erDiagram', () => {
  const users = table('users');
  const tokens = table('tokens', {
    columns: [...table('x').columns, column('user_id', { type: 'bigint', nullable: false }), column('reviewer_id', { type: 'bigint' }), column('pk', { type: 'uk' })],
    constraints: [...table('tokens').constraints, foreignKey('fk_tokens_user_id', ['user_id'], 'public.users'), foreignKey('fk_tokens_reviewer_id', ['reviewer_id'], 'public.users')],
  });
  const profiles = table('profiles', {
    columns: [...table('x').columns, column('user_id', { type: 'bigint', nullable: false })],
    constraints: [...table('profiles').constraints, foreignKey('fk_profiles_user_id', ['user_id'], 'public.users')],
    indexes: [...table('profiles').indexes, index('uq_profiles_user_id', ['user_id'], { unique: true })],
  });

  it('draws NOT NULL foreign keys as ||--o{, nullable ones as |o--o{, unique ones as o|', () => {
    const lines = erDiagram(snapshot([users, tokens, profiles]));
    expect(lines[0]).toBe('erDiagram');
    expect(lines).toContain('    "users" ||--o{ "tokens" : "user_id"');
    expect(lines).toContain('    "users" |o--o{ "tokens" : "reviewer_id"');
    expect(lines).toContain('    "users" ||--o| "profiles" : "user_id"');
  });

  it('quotes entity names, whose bare form Mermaid would read as keywords (tokens starts with "to")', () => {
    const lines = erDiagram(snapshot([users, tokens]));
    expect(lines).toContain('    "tokens" {');
    expect(lines.some((l) => /^\s+tokens\b/.test(l))).toBe(false);
  });

  it('marks keys and keeps attribute words Mermaid-safe', () => {
    const lines = erDiagram(snapshot([users, tokens]));
    expect(lines).toContain('        bigint id PK');
    expect(lines).toContain('        bigint user_id FK');
    // A column named pk (or typed uk) would be read as a key mark, whatever its case.
    expect(lines).toContain('        uk_ pk_');
  });

  it('qualifies tables outside public and tables whose names repeat across schemas', () => {
    const a = table('events');
    const b = { ...table('events'), schema: 'audit' };
    const lines = erDiagram(snapshot([a, b]));
    expect(lines).toContain('    "audit.events" {');
    expect(lines).toContain('    "public.events" {');
  });

  it('leaves out foreign keys to tables outside the snapshot', () => {
    const orphan = table('orphans', { constraints: [foreignKey('fk_orphans_x', ['id'], 'other.things')] });
    expect(erDiagram(snapshot([orphan])).some((l) => l.includes('--'))).toBe(false);
  });
});

describe('mermaidType and mermaidName', () => {
  it('shortens multi-word types to the names Postgres also accepts', () => {
    expect(mermaidType('timestamp with time zone')).toBe('timestamptz');
    expect(mermaidType('timestamp(3) without time zone')).toBe('timestamp(3)');
    expect(mermaidType('character varying(255)')).toBe('varchar(255)');
    expect(mermaidType('double precision')).toBe('float8');
    expect(mermaidType('numeric(10,2)')).toBe('numeric(10-2)');
    expect(mermaidType('public.job_status')).toBe('job_status');
    expect(mermaidType('"Odd Type"[]')).toBe('Odd_Type[]');
    expect(mermaidType('text[]')).toBe('text[]');
  });

  it('makes names start with a letter or underscore and hold only safe characters', () => {
    expect(mermaidName('timestamp')).toBe('timestamp');
    expect(mermaidName('Weird Name!')).toBe('Weird_Name_');
    expect(mermaidName('1st')).toBe('_1st');
    expect(mermaidName('FK')).toBe('FK_');
  });
});
