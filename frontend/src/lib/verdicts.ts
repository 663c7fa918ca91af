import type { Schemas } from '../api/client';

export type Outcome = Schemas['Outcome'];

/** The outcomes from the least to the most severe, as the server ranks them: a missing
 * fact ranks just above a pass, so the worst definite outcome shows, unknowns beside it. */
export const severity: Outcome[] = ['PASS', 'UNKNOWN', 'WARN', 'FORFEITED', 'RESTRICT', 'RISK', 'FAIL'];

/** Each outcome's sign: verdicts are never told by colour alone. */
export const outcomeIcon: Record<Outcome, string> = {
  PASS: '✓',
  WARN: '!',
  FORFEITED: '◷', // time ran out (a sign every system font has, where an hourglass often is not)
  RESTRICT: '⊘',
  RISK: '▲',
  UNKNOWN: '?',
  FAIL: '✕',
};

export function isOutcome(value: string): value is Outcome {
  return (severity as string[]).includes(value);
}

/** The worst of some outcomes (null for none). */
export function worst(outcomes: readonly string[]): Outcome | null {
  let found: Outcome | null = null;
  for (const outcome of outcomes) {
    if (isOutcome(outcome) && (found === null || severity.indexOf(outcome) > severity.indexOf(found))) found = outcome;
  }
  return found;
}
