import { describe, expect, it } from 'vitest';
import { outcomeIcon, severity, worst } from './verdicts';

describe('verdicts', () => {
  it('ranks fail above unknown above risk, as the server does', () => {
    expect(worst(['PASS', 'RISK', 'UNKNOWN'])).toBe('UNKNOWN');
    expect(worst(['RISK', 'FAIL', 'UNKNOWN'])).toBe('FAIL');
    expect(worst(['WARN', 'PASS'])).toBe('WARN');
    expect(worst([])).toBeNull();
  });

  it('gives every outcome a sign of its own', () => {
    expect(new Set(severity.map((o) => outcomeIcon[o])).size).toBe(severity.length);
  });
});
