import { describe, expect, it } from 'vitest';
import { insertMention, matchMembers, mentionQuery } from './mentions';

const members = [
  { user_id: 'a', name: 'Inès Martin', country: 'FR' },
  { user_id: 'b', name: 'Pieter Claes', country: 'BE' },
  { user_id: 'c', name: 'Anna de Vries', country: 'NL' },
];

describe('mention autocomplete', () => {
  it('finds the @name typed before the caret', () => {
    expect(mentionQuery('see @Pie', 8)).toEqual({ start: 4, query: 'Pie' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail me@host', 12)).toBeNull();
    expect(mentionQuery('@Pieter said', 12)).toBeNull();
  });

  it('matches any word of a name, ignoring accents and case, without the writer', () => {
    expect(matchMembers(members, 'ines').map((m) => m.user_id)).toEqual(['a']);
    expect(matchMembers(members, 'vr').map((m) => m.user_id)).toEqual(['c']);
    expect(matchMembers(members, '', ['b']).map((m) => m.user_id)).toEqual(['a', 'c']);
  });

  it('replaces the typed query with the full name and moves the caret after it', () => {
    const text = 'ask @pi about it';
    const at = mentionQuery(text, 7)!;
    expect(insertMention(text, at, 7, 'Pieter Claes')).toEqual({ text: 'ask @Pieter Claes  about it', caret: 18 });
  });
});
