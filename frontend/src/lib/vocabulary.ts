import type { Schemas } from '../api/client';

/** The API's closed vocabularies, for selects. */
export const evidenceKinds: Schemas['EvidenceKind'][] = [
  'seized_device',
  'forensic_image',
  'intercepted_communication',
  'document',
  'witness_statement',
  'suspect_interview',
  'physical_item',
  'open_source_capture',
  'financial_records',
  'analysis_report',
];

export const sealConditions: Schemas['SealCondition'][] = ['intact', 'broken', 'absent'];

export const taskStatuses: Schemas['TaskStatus'][] = ['open', 'in_progress', 'blocked', 'done', 'cancelled'];

/** Whether a party is a state, whose courts judge evidence (an EU body, such as Europol or
 * Eurojust, takes part by its own name, a longer code, and has no courts of its own). */
export function isForum(country: string): boolean {
  return /^[A-Z]{2}$/.test(country);
}
