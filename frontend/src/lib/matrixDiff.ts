/** What changed in the admissibility matrix between two moments: the cells whose outcome
 * differs, and the items that were not recorded yet at the first (or no longer readable at
 * the second), in the matrix's order (reference, then country). */
export interface MatrixCell {
  evidence_id: string;
  reference: string;
  country: string;
  outcome: string;
}

export interface CellChange {
  evidenceId: string;
  reference: string;
  country: string;
  /** null: the item was not recorded yet (or could not be read) then */
  before: string | null;
  after: string | null;
}

export function matrixChanges(before: MatrixCell[], after: MatrixCell[]): CellChange[] {
  const key = (cell: MatrixCell) => `${cell.evidence_id}|${cell.country}`;
  const then = new Map(before.map((cell) => [key(cell), cell]));
  const now = new Map(after.map((cell) => [key(cell), cell]));
  const changes: CellChange[] = [];
  for (const [k, cell] of new Map([...then, ...now])) {
    const was = then.get(k)?.outcome ?? null;
    const is = now.get(k)?.outcome ?? null;
    if (was !== is)
      changes.push({ evidenceId: cell.evidence_id, reference: cell.reference, country: cell.country, before: was, after: is });
  }
  return changes.sort((a, b) => a.reference.localeCompare(b.reference) || a.country.localeCompare(b.country));
}
