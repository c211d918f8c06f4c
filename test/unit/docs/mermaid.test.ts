import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { erDiagram, mermaidName, mermaidType } from '../../../src/docs/mermaid.js';
import { REPO_ROOT } from '../../support/project.js';
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

/**
 * The erDiagram syntax pgwarden relies on, from Mermaid's grammar (erDiagram.jison): entity names
 * quoted (no `"`, `%` or `\` inside), cardinality tokens `|o || }o }|` on the left and `o| || o{ |{`
 * on the right of `--`, a quoted label, attributes as `type name [PK|FK|UK, ...]` where type and
 * name are single words. No Mermaid parser is installed here (the `mermaid` package is large), so
 * these rules are what the tests check, line by line; problems are returned, none for a good diagram.
 */
function erSyntaxProblems(lines: string[]): string[] {
  const problems: string[] = [];
  const entity = '"[^"%\\\\]+"';
  const relationship = new RegExp(`^    (${entity}) (\\|o|\\|\\||\\}o|\\}\\|)--(o\\||\\|\\||o\\{|\\|\\{) (${entity}) : "[^"]*"$`);
  const declared = new Set<string>();
  const related: string[] = [];
  if (lines[0] !== 'erDiagram') problems.push(`line 1 is ${JSON.stringify(lines[0])}, not erDiagram`);
  let inEntity = false;
  lines.slice(1).forEach((line, i) => {
    const at = `line ${i + 2} ${JSON.stringify(line)}`;
    if (inEntity) {
      if (line === '    }') inEntity = false;
      else if (!/^        [A-Za-z][A-Za-z0-9_()[\]-]* [A-Za-z_][A-Za-z0-9_-]*( (PK|FK|UK)(, (PK|FK|UK))*)?$/.test(line)) problems.push(`${at}: not "type name [keys]"`);
      else if (/^        \S+ (pk|fk|uk)\b/i.test(line) || /^        (pk|fk|uk) /i.test(line)) problems.push(`${at}: a type or name Mermaid reads as a key mark`);
      return;
    }
    const open = new RegExp(`^    (${entity}) \\{$`).exec(line);
    const rel = relationship.exec(line);
    if (open) {
      declared.add(open[1]!);
      inEntity = true;
    } else if (rel) related.push(rel[1]!, rel[4]!);
    else problems.push(`${at}: neither a relationship nor an entity`);
  });
  if (inEntity) problems.push('an entity is not closed');
  for (const name of related) if (!declared.has(name)) problems.push(`${name} is related but not declared`);
  return problems;
}

describe('the ER diagram follows the erDiagram syntax', () => {
  it('the checker itself rejects what Mermaid would not read', () => {
    expect(erSyntaxProblems(['erDiagram', '    tokens {', '    }'])).not.toEqual([]);
    expect(erSyntaxProblems(['erDiagram', '    "a" {', '        timestamp with time zone at', '    }'])).not.toEqual([]);
    expect(erSyntaxProblems(['erDiagram', '    "a" {', '        numeric(10,2) n', '    }'])).not.toEqual([]);
    expect(erSyntaxProblems(['erDiagram', '    "a" {', '        bigint pk', '    }'])).not.toEqual([]);
    expect(erSyntaxProblems(['erDiagram', '    "a" ||--|| "b" : "x"', '    "a" {', '    }'])).toEqual(['"b" is related but not declared']);
    expect(erSyntaxProblems(['erDiagram', '    "a" o{--|| "a" : "x"', '    "a" {', '    }'])).not.toEqual([]);
    expect(erSyntaxProblems(['erDiagram', '    "a" |o--o{ "a" : "x"', '    "a" {', '        bigint id PK, FK', '    }'])).toEqual([]);
  });

  it('for tables, columns and types with awkward names', () => {
    const odd = table('one_time "codes" 100%', {
      columns: [
        column('id', { type: 'bigint', nullable: false }),
        column('Weird Name!', { type: 'timestamp(3) with time zone' }),
        column('pk', { type: 'numeric(10,2)' }),
        column('1st', { type: '"My Schema"."Odd Type"[]' }),
        column('to', { type: 'double precision' }),
        column('parent_id', { type: 'bigint' }),
      ],
      constraints: [...table('x').constraints, foreignKey('fk_parent', ['parent_id'], 'public.one_time "codes" 100%')],
    });
    const other = { ...table('one_time "codes" 100%'), schema: 'audit' };
    const child = table('tokens', {
      columns: [...table('x').columns, column('code_id', { type: 'bigint', nullable: false })],
      constraints: [...table('tokens').constraints, foreignKey('fk_code', ['code_id'], 'audit.one_time "codes" 100%')],
      indexes: [...table('tokens').indexes, index('uq_code', ['code_id'], { unique: true })],
    });
    const lines = erDiagram(snapshot([odd, other, child]));
    expect(erSyntaxProblems(lines)).toEqual([]);
    expect(lines.filter((l) => l.includes('--'))).toHaveLength(2);
  });

  it("in the repository's own schema/README.md", () => {
    const readme = readFileSync(join(REPO_ROOT, 'schema', 'README.md'), 'utf8');
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(readme)![1]!.split('\n');
    expect(block.length).toBeGreaterThan(100);
    expect(erSyntaxProblems(block)).toEqual([]);
  });
});

