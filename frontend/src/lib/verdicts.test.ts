import { describe, expect, it } from 'vitest';
import { outcomeIcon, severity, worst } from './verdicts';
import { isForum } from './vocabulary';

describe('verdicts', () => {
  it('ranks any definite outcome above unknown, and unknown above pass, as the server does', () => {
    expect(worst(['PASS', 'RISK', 'UNKNOWN'])).toBe('RISK');
    expect(worst(['UNKNOWN', 'WARN'])).toBe('WARN');
    expect(worst(['PASS', 'UNKNOWN'])).toBe('UNKNOWN');
    expect(worst(['RISK', 'FAIL', 'UNKNOWN'])).toBe('FAIL');
    expect(worst(['WARN', 'PASS'])).toBe('WARN');
    expect(worst([])).toBeNull();
  });

  it('gives every outcome a sign of its own', () => {
    expect(new Set(severity.map((o) => outcomeIcon[o])).size).toBe(severity.length);
  });
});

describe('forums', () => {
  it('are the team’s states, not its EU bodies', () => {
    expect(['FR', 'EUROPOL', 'BE', 'EUROJUST'].filter(isForum)).toEqual(['FR', 'BE']);
  });
});
