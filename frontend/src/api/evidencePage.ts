import { api, problemText, type Schemas } from './client';
import type { Page } from '../lib/cursorPaging';
import type { paths } from './schema';

export type EvidenceSummary = Schemas['EvidenceSummary'];
export type EvidenceSort = Schemas['RegisterSort'];
export type SortOrder = 'asc' | 'desc';
export type Outcome = Schemas['Outcome'];

/** The register's filters as the form holds them ('' = any). */
export interface EvidenceFilters {
  party: string;
  kind: '' | Schemas['EvidenceKind'];
  custodian: string;
  restricted: '' | 'true' | 'false';
  outcome: '' | Outcome;
  /** a rule's code: the items it flags (any outcome but PASS) in the forum */
  rule: string;
  forum: string;
  q: string;
  /** items whose countries' verdicts differ (the admissibility matrix's disagreements) */
  disagreeing: '' | 'true' | 'false';
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
  outcome: '',
  rule: '',
  forum: '',
  q: '',
  disagreeing: '',
};

type PageQuery = NonNullable<
  paths['/investigations/{investigation_id}/evidence/page']['get']['parameters']['query']
>;

/** The query of `GET /investigations/{id}/evidence/page`: only the filters that are set. */
export function pageQuery(query: EvidenceQuery, after: string | null, limit: number): PageQuery {
  const { filters } = query;
  const q = filters.q.trim();
  return {
    limit,
    sort: query.sort,
    order: query.order,
    ...(after !== null && { after }),
    ...(filters.party !== '' && { party: filters.party }),
    ...(filters.kind !== '' && { kind: filters.kind }),
    ...(filters.custodian !== '' && { custodian: filters.custodian }),
    ...(filters.restricted !== '' && { restricted: filters.restricted === 'true' }),
    ...(filters.outcome !== '' && { outcome: filters.outcome }),
    ...(filters.rule !== '' && { rule: filters.rule }),
    ...(filters.forum !== '' && { forum: filters.forum }),
    ...(q !== '' && { q }),
    ...(filters.disagreeing !== '' && { disagreeing: filters.disagreeing === 'true' }),
  };
}

export class PageError extends Error {}

/** One page of the evidence register. */
export async function fetchEvidencePage(
  investigationId: string,
  query: EvidenceQuery,
  after: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<Page<EvidenceSummary>> {
  const { data, error } = await api.GET('/investigations/{investigation_id}/evidence/page', {
    params: { path: { investigation_id: investigationId }, query: pageQuery(query, after, limit) },
    ...(signal !== undefined && { signal }),
  });
  if (data === undefined) throw new PageError(problemText(error, 'error'));
  return data;
}

export type MatrixRow = Schemas['MatrixRow'];

/** One page of the admissibility matrix: the register's rows (same query), each with its
 * cell in every country. Rows carry the item's id, for the table. */
export async function fetchMatrixPage(
  investigationId: string,
  query: EvidenceQuery,
  after: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<Page<MatrixRow & { id: string }> & { notice: string }> {
  const { data, error } = await api.GET('/investigations/{investigation_id}/admissibility/page', {
    params: { path: { investigation_id: investigationId }, query: pageQuery(query, after, limit) },
    ...(signal !== undefined && { signal }),
  });
  if (data === undefined) throw new PageError(problemText(error, 'error'));
  return { ...data, items: data.items.map((row) => ({ ...row, id: row.item.id })) };
}
