import { describe, expect, it } from 'vitest';
import { matrixChanges, type MatrixCell } from './matrixDiff';

const cell = (reference: string, country: string, outcome: string): MatrixCell => ({
  evidence_id: `id-${reference}`,
  reference,
  country,
  outcome,
});

describe('the matrix between two moments', () => {
  it('lists the cells whose outcome changed, and the items recorded in between', () => {
    const before = [cell('NL-1', 'BE', 'RESTRICT'), cell('NL-1', 'FR', 'PASS'), cell('FR-1', 'BE', 'PASS')];
    const after = [cell('NL-1', 'BE', 'PASS'), cell('NL-1', 'FR', 'PASS'), cell('FR-1', 'BE', 'PASS'), cell('BE-2', 'FR', 'UNKNOWN')];
    expect(matrixChanges(before, after)).toEqual([
      { evidenceId: 'id-BE-2', reference: 'BE-2', country: 'FR', before: null, after: 'UNKNOWN' },
      { evidenceId: 'id-NL-1', reference: 'NL-1', country: 'BE', before: 'RESTRICT', after: 'PASS' },
    ]);
  });

  it('says nothing changed when nothing did', () => {
    const same = [cell('FR-1', 'BE', 'PASS')];
    expect(matrixChanges(same, [...same])).toEqual([]);
  });

  it('keeps an item that is gone at the second moment', () => {
    expect(matrixChanges([cell('FR-1', 'BE', 'FAIL')], [])).toEqual([
      { evidenceId: 'id-FR-1', reference: 'FR-1', country: 'BE', before: 'FAIL', after: null },
    ]);
  });
});
