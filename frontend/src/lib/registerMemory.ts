import type { EvidenceQuery } from '../api/evidencePage';

/** Where the user was in an investigation's register, so coming back from an item puts
 * them at the same row with the same sort and filters (for this page load only). */
export interface RegisterPlace {
  query: EvidenceQuery;
  scrollTop: number;
  activeId: string | null;
}

export const registerMemory = new Map<string, RegisterPlace>();
