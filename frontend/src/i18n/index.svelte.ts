import { en, type MessageKey, type Messages } from './en';
import { fr } from './fr';
import { nl } from './nl';
import { de } from './de';

export type { MessageKey } from './en';

export const languages = {
  en: { label: 'English', messages: en as Messages },
  fr: { label: 'Français', messages: fr },
  nl: { label: 'Nederlands', messages: nl },
  de: { label: 'Deutsch', messages: de },
} as const;

export type Language = keyof typeof languages;

const storageKey = 'jitspace.language';

function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(storageKey);
  if (stored !== null && stored !== undefined && stored in languages) return stored as Language;
  const preferred = globalThis.navigator?.language?.slice(0, 2);
  return preferred !== undefined && preferred in languages ? (preferred as Language) : 'en';
}

const current = $state({ language: initialLanguage() });

export function language(): Language {
  return current.language;
}

export function setLanguage(next: Language): void {
  current.language = next;
  globalThis.localStorage?.setItem(storageKey, next);
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

export type Params = Record<string, string | number>;

/** Fills {placeholders} of `template` from `params`; a missing one stays visible. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The message `key` in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return format(languages[current.language].messages[key], params);
}

/** Whether `key` is a known message (for keys built from API words, e.g. event types). */
export function hasMessage(key: string): key is MessageKey {
  return key in en;
}

/** A message about `count` things: the `.one` form where the language says one (French
 * counts 0 as one too), else the plain key. */
export function tCount(key: MessageKey, count: number, params: Params = {}): string {
  const singular = `${key}.one`;
  const rule = new Intl.PluralRules(current.language).select(count);
  const chosen = rule === 'one' && hasMessage(singular) ? singular : key;
  return t(chosen, { ...params, count });
}
