import { describe } from 'vitest';
import { createTestDatabase } from '../../support/db.js';
import { brokenDownsSuite } from './broken-downs.js';

describe('verify reports what each broken down fails to restore', () => {
  brokenDownsSuite(() => createTestDatabase());
});
