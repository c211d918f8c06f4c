import { describe, expect, it } from 'vitest';
import { parseDirectiveBody } from '../../../src/lint/ignore.js';

describe('ignore directives', () => {
  it('splits rule ids from the reason', () => {
    expect(parseDirectiveBody(' ban-drop-column the column was unused since 2024')).toEqual({ rules: ['ban-drop-column'], reason: 'the column was unused since 2024' });
    expect(parseDirectiveBody('a-rule, b-rule reason here')).toEqual({ rules: ['a-rule', 'b-rule'], reason: 'reason here' });
    expect(parseDirectiveBody('a-rule,b-rule reason')).toEqual({ rules: ['a-rule', 'b-rule'], reason: 'reason' });
    expect(parseDirectiveBody('a-rule , b-rule reason')).toEqual({ rules: ['a-rule', 'b-rule'], reason: 'reason' });
    expect(parseDirectiveBody('a-rule')).toEqual({ rules: ['a-rule'], reason: '' });
    expect(parseDirectiveBody('')).toEqual({ rules: [], reason: '' });
    expect(parseDirectiveBody('Because reasons')).toEqual({ rules: [], reason: 'Because reasons' });
  });
});
