import type { Schemas } from './client';
import type { Page } from '../lib/cursorPaging';

export type EvidenceSummary = Schemas['EvidenceSummary'];

export type EvidenceSort = 'registered_at' | 'reference' | 'kind' | 'country' | 'collected_at';
export type SortOrder = 'asc' | 'desc';

export interface EvidenceFilters {
  party: string;
  kind: string;
  custodian: string;
  restricted: '' | 'true' | 'false';
  verdict: string;
  q: string;
}

export interface EvidenceQuery {
  sort: EvidenceSort;
  order: SortOrder;
  filters: EvidenceFilters;
}

export const noFilters: EvidenceFilters = {
  party: '',
  kind: '',
  custodian: '',
  restricted: '',
  verdict: '',
  q: '',
};

/** The query string of `GET /investigations/{id}/evidence/page`. */
export function pageSearch(query: EvidenceQuery, after: string | null, limit: number): URLSearchParams {
  const search = new URLSearchParams({ limit: String(limit), sort: query.sort, order: query.order });
  if (after !== null) search.set('after', after);
  for (const [name, value] of Object.entries(query.filters)) {
    const trimmed = value.trim();
    if (trimmed !== '') search.set(name, trimmed);
  }
  return search;
}

/** One page of the evidence register. */
export async function fetchEvidencePage(
  investigationId: string,
  query: EvidenceQuery,
  after: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<Page<EvidenceSummary>> {
  const url = `/investigations/${encodeURIComponent(investigationId)}/evidence/page?${pageSearch(query, after, limit)}`;
  const init: RequestInit = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (signal !== undefined) init.signal = signal;
  const response = await fetch(url, init);
  if (!response.ok) throw await PageError.from(response);
  return (await response.json()) as Page<EvidenceSummary>;
}

export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }

  static async from(response: Response): Promise<PageError> {
    let detail = response.statusText;
    try {
      const problem = (await response.json()) as { detail?: string; title?: string };
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not a problem document; the status text says enough
    }
    return new PageError(response.status, detail);
  }
}
