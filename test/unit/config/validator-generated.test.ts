import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateValidators } from '../../../src/config/validator-source.js';
import { REPO_ROOT } from '../../support/project.js';

describe('generated config validator', () => {
  it('matches the JSON Schema it was generated from (else: npm run build && npx zx checks/gen-validators)', async () => {
    const generated = await generateValidators();
    expect(generated.length).toBeGreaterThan(0);
    for (const { path, source } of generated) expect(readFileSync(join(REPO_ROOT, path), 'utf8'), path).toBe(source);
  });
});
