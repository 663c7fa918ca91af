import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router.svelte';

describe('hash routes', () => {
  it('reads every screen from its hash', () => {
    expect(parseRoute('')).toEqual({ screen: 'investigations' });
    expect(parseRoute('#/')).toEqual({ screen: 'investigations' });
    expect(parseRoute('#/investigations/abc')).toEqual({ screen: 'home', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/evidence')).toEqual({ screen: 'evidence', investigationId: 'abc' });
    expect(parseRoute(href.team('abc'))).toEqual({ screen: 'team', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/evidence/e1')).toEqual({
      screen: 'item',
      investigationId: 'abc',
      evidenceId: 'e1',
    });
    expect(parseRoute('#/investigations/abc/tasks')).toEqual({ screen: 'tasks', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/admissibility')).toEqual({ screen: 'admissibility', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/rulebooks')).toEqual({ screen: 'rulebooks', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/authorisations')).toEqual({ screen: 'authorisations', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/custody-audit')).toEqual({ screen: 'audit', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/disclosure')).toEqual({ screen: 'disclosure', investigationId: 'abc' });
    expect(parseRoute('#/investigations/abc/check-bundle')).toEqual({
      screen: 'investigation-bundle-check',
      investigationId: 'abc',
    });
    expect(parseRoute('#/check-bundle')).toEqual({ screen: 'bundle-check' });
    expect(parseRoute('#/investigations/abc/security-log')).toEqual({ screen: 'investigation-log', investigationId: 'abc' });
    expect(parseRoute('#/administration')).toEqual({ screen: 'administration' });
    expect(parseRoute('#/security-log')).toEqual({ screen: 'security-log' });
    expect(parseRoute('#/administration/extra')).toEqual({ screen: 'not-found' });
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'not-found' });
  });

  it('builds the hashes it reads', () => {
    expect(parseRoute(href.item('a b', 'e/1'))).toEqual({ screen: 'item', investigationId: 'a b', evidenceId: 'e/1' });
  });
});
