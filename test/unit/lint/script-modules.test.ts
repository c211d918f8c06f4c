import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importsOf, resolveModule, scriptModules } from '../../../src/lint/script-modules.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function project(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'pgwarden-script-modules-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe('importsOf', () => {
  it('finds require, static and dynamic imports and re-exports, with literal specifiers, across lines', () => {
    const text = [
      "const a = require('./a');",
      'const { b } = require("../b.js");',
      "import c, { d } from './c';",
      'import {',
      '  e,',
      '  f,',
      "} from './ef.ts';",
      "import type { G } from './types';",
      "import './side-effect';",
      "export * from './all';",
      "export { h } from './h';",
      'const lazy = await import(`./lazy.mjs`);',
      "import lodash from 'lodash';",
    ].join('\n');
    expect(importsOf(text)).toEqual({ specifiers: ['./c', './ef.ts', './types', './all', './h', 'lodash', './side-effect', './a', '../b.js', './lazy.mjs'], dynamic: [] });
  });

  it('ignores commented-out imports (not a // in a string), methods and other names, and reports computed specifiers by line', () => {
    const text = [
      "// const old = require('./old');",
      "/* import x from './x';",
      "   require('./y'); */",
      "const url = 'http://example.com/'; const z = require('./z');",
      'const r = createRequire(import.meta.url);',
      "const j = jiti.import('./not-a-module');",
      "const rel = require.resolve('./resolved');",
      'const m = require(name);',
      "const n = await import(`./${kind}.js`);",
      "const o = require('./' + kind);",
    ].join('\n');
    expect(importsOf(text)).toEqual({ specifiers: ['./z'], dynamic: [8, 9, 10] });
  });
});

describe('resolveModule', () => {
  it('resolves as jiti does: the file, then each extension, then a folder, then a .js name to its .ts file', () => {
    const dir = project({
      'm.js': '',
      'a.js': '',
      'a.ts': '',
      'only-ts.ts': '',
      'dir/index.ts': '',
      'pkg/package.json': '{"main": "lib/main"}',
      'pkg/lib/main.cjs': '',
      'data.json': '{}',
    });
    const from = join(dir, 'm.js');
    expect(resolveModule(from, './a')).toBe(join(dir, 'a.js'));
    expect(resolveModule(from, './a.ts')).toBe(join(dir, 'a.ts'));
    expect(resolveModule(from, './only-ts')).toBe(join(dir, 'only-ts.ts'));
    expect(resolveModule(from, './only-ts.js')).toBe(join(dir, 'only-ts.ts'));
    expect(resolveModule(from, './dir')).toBe(join(dir, 'dir/index.ts'));
    expect(resolveModule(from, './pkg')).toBe(join(dir, 'pkg/lib/main.cjs'));
    expect(resolveModule(from, './data')).toBe(join(dir, 'data.json'));
    expect(resolveModule(from, './missing')).toBeUndefined();
  });
});

describe('scriptModules', () => {
  const migration = (dir: string, name: string, text: string): [string, string] => [join(dir, 'migrations', name), text];

  it('follows local imports through the modules they import, not into packages, and hashes their paths and contents', () => {
    const files = {
      'migrations/lib/a.js': "const b = require('../../shared/b');\nexports.a = b;\n",
      'shared/b.ts': "export * from './c';\nimport x from 'lodash';\n",
      'shared/c.ts': "import { a } from '../migrations/lib/a.js';\nexport const c = 1;\n",
      'migrations/node_modules/dep/index.js': "require('./inner');\n",
    };
    const dir = project(files);
    const scripts = [migration(dir, '20260101000000_x.js', "require('./lib/a');\nrequire('./node_modules/dep');\nrequire('./gone');\n")];
    const found = scriptModules(scripts, dir);
    expect([...found.modules]).toEqual([
      [join(dir, 'migrations/lib/a.js'), scripts[0]![0]],
      [join(dir, 'shared/b.ts'), scripts[0]![0]],
      [join(dir, 'shared/c.ts'), scripts[0]![0]],
    ]);
    expect(found.dynamic).toEqual([]);
    expect(found.digest).toMatch(/^[0-9a-f]{64}$/);
    // The same files give the same digest; a module's content, or a missing import found, changes it.
    expect(scriptModules(scripts, dir).digest).toBe(found.digest);
    writeFileSync(join(dir, 'shared/c.ts'), "import { a } from '../migrations/lib/a.js';\nexport const c = 2;\n");
    const edited = scriptModules(scripts, dir).digest;
    expect(edited).not.toBe(found.digest);
    writeFileSync(join(dir, 'migrations/gone.js'), '');
    expect(scriptModules(scripts, dir).digest).not.toBe(edited);
  });

  it('gives no digest when no migration imports a local module, and lists computed imports', () => {
    const dir = project({});
    expect(scriptModules([migration(dir, '20260101000000_x.js', "exports.up = (pgm) => pgm.sql('SELECT 1');\n")], dir)).toEqual({ modules: new Map(), dynamic: [], digest: '' });
    const path = join(dir, 'migrations', '20260101000000_x.js');
    expect(scriptModules([[path, "const name = './a';\nrequire(name);\n"]], dir).dynamic).toEqual([{ file: path, line: 2 }]);
  });
});
