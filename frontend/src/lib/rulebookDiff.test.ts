import { describe, expect, it } from 'vitest';
import { diffFromShipped, paramsText, type Rule } from './rulebookDiff';

const rule = (code: string, params: Record<string, unknown> = {}): Rule => ({ rule: code, check: `checks ${code}`, params });

describe('a rulebook against its shipped example', () => {
  it('tells rules kept as shipped, changed, added, and those removed', () => {
    const shipped = [rule('CU-01', { gap_hours: 24 }), rule('AU-01'), rule('LA-01')];
    const now = [rule('CU-01', { gap_hours: 48 }), rule('AU-01'), rule('DI-01')];
    const diff = diffFromShipped(now, shipped);
    expect(diff.standing).toEqual({ 'CU-01': 'changed', 'AU-01': 'as-shipped', 'DI-01': 'added' });
    expect(diff.removed.map((r) => r.rule)).toEqual(['LA-01']);
  });

  it('compares parameters by value, not by the order of their keys', () => {
    const diff = diffFromShipped([rule('X', { a: 1, b: [1, 2] })], [rule('X', { b: [1, 2], a: 1 })]);
    expect(diff.standing.X).toBe('as-shipped');
  });

  it('says parameters in words, without the severity (shown apart)', () => {
    expect(paramsText({ gap_hours: 48, only_for: ['FR', 'BE'], severity: 'RISK' })).toBe('gap hours 48, only for FR BE');
  });
});
