import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { nl } from './nl';
import { de } from './de';
import { format } from './index.svelte';

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const others = { fr, nl, de } as Record<string, Record<string, string>>;

describe('message files', () => {
  for (const [language, messages] of Object.entries(others)) {
    it(`${language} has every English key and no other`, () => {
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    });

    it(`${language} uses the same placeholders in every message`, () => {
      for (const [key, message] of Object.entries(en)) {
        expect(placeholders(messages[key] ?? ''), `${language} ${key}`).toEqual(placeholders(message));
      }
    });

    it(`${language} is translated, not an English copy`, () => {
      const same = Object.keys(en).filter(
        (key) => messages[key] === en[key as keyof typeof en] && /[a-z]{4,}/.test(en[key as keyof typeof en]),
      );
      // words shared between languages (e.g. "Status", "Initiative") are fine; a copied file is not
      expect(same.length, `${language}: ${same.join(', ')}`).toBeLessThan(Object.keys(en).length / 20);
    });
  }

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });
});

describe('counting in words', () => {
  it('uses the singular where the language says one', async () => {
    const { setLanguage, tCount } = await import('./index.svelte');
    setLanguage('en');
    expect(tCount('evidence.count', 1)).toBe('1 item');
    expect(tCount('evidence.count', 3)).toBe('3 items');
    setLanguage('fr');
    expect(tCount('evidence.count', 0)).toBe('0 élément');
    expect(tCount('evidence.count', 2)).toBe('2 éléments');
    setLanguage('en');
  });
});
