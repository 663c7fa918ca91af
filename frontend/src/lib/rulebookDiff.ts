import type { Schemas } from '../api/client';

export type Rule = Schemas['RuleOut'];

/** How a rule of a country's rulebook stands against the shipped example it was adopted
 * from: as shipped, with other parameters, added; and the example's rules it no longer has. */
export type RuleStanding = 'as-shipped' | 'changed' | 'added';

export interface RulebookDiff {
  standing: Record<string, RuleStanding>;
  removed: Rule[];
}

/** Parameters compared by value, whatever the order of their keys. */
export function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return false;
  return true;
}

export function diffFromShipped(rules: readonly Rule[], shipped: readonly Rule[]): RulebookDiff {
  const example = new Map(shipped.map((r) => [r.rule, r]));
  const standing: Record<string, RuleStanding> = {};
  for (const rule of rules) {
    const original = example.get(rule.rule);
    standing[rule.rule] = original === undefined ? 'added' : sameParams(rule.params, original.params) ? 'as-shipped' : 'changed';
  }
  const kept = new Set(rules.map((r) => r.rule));
  return { standing, removed: shipped.filter((r) => !kept.has(r.rule)) };
}

/** A rule's parameters in words for a table cell: "gap_hours 48, only_for FR BE". */
export function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([key]) => key !== 'severity')
    .map(([key, value]) => `${key.replaceAll('_', ' ')} ${Array.isArray(value) ? value.join(' ') : String(value)}`)
    .join(', ');
}
