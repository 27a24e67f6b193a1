import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { useMemo } from 'react';
import da from '../../../content/i18n/da.json' with { type: 'json' };
import de from '../../../content/i18n/de.json' with { type: 'json' };
import en from '../../../content/i18n/en.json' with { type: 'json' };
import { selectLang, useKiosk } from './store/index.ts';

export const resources = {
  da: { translation: da },
  en: { translation: en },
  de: { translation: de },
} as const;

/** One i18next instance with every bundled language; nothing is fetched at run time. */
export function createI18n(): I18n {
  const inst = i18next.createInstance();
  void inst.init({
    resources,
    lng: 'da',
    fallbackLng: 'en',
    supportedLngs: ['da', 'en', 'de'],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return inst;
}

let shared: I18n | null = null;
export function i18n(): I18n {
  shared ??= createI18n();
  return shared;
}

/** The translate function of the language in use, and that language. */
export function useT(): { t: TFunction; lang: string } {
  const lang = useKiosk(selectLang);
  const t = useMemo(() => i18n().getFixedT(lang), [lang]);
  return { t, lang };
}

/** Translate in a given language (for views that show several languages at once). */
export function tIn(lang: string): TFunction {
  return i18n().getFixedT(lang);
}
