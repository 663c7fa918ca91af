import { describe, expect, it } from 'vitest';
import { noFilters, pageQuery } from './evidencePage';

describe('register page query', () => {
  it('sends only the filters that are set, typed as the API wants them', () => {
    const query = pageQuery(
      { sort: 'reference', order: 'asc', filters: { ...noFilters, restricted: 'false', q: '  phone ', party: 'FR' } },
      'cursor-1',
      100,
    );
    expect(query).toEqual({ limit: 100, sort: 'reference', order: 'asc', after: 'cursor-1', restricted: false, q: 'phone', party: 'FR' });
  });

  it('asks for the items a rule flags in a forum', () => {
    const query = pageQuery({ sort: 'worst', order: 'desc', filters: { ...noFilters, rule: 'US-02', forum: 'BE' } }, null, 100);
    expect(query).toEqual({ limit: 100, sort: 'worst', order: 'desc', rule: 'US-02', forum: 'BE' });
  });

  it('starts from the top without a cursor', () => {
    expect(pageQuery({ sort: 'registered_at', order: 'desc', filters: noFilters }, null, 50)).toEqual({
      limit: 50,
      sort: 'registered_at',
      order: 'desc',
    });
  });
});
