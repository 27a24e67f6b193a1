import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useMemo,
  useSyncExternalStore,
} from 'react';
import da from '../../../content/i18n/da.json' with { type: 'json' };
import de from '../../../content/i18n/de.json' with { type: 'json' };
import en from '../../../content/i18n/en.json' with { type: 'json' };
import { StoreContext, selectLang, useKiosk } from './store/index.ts';

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

/**
 * i18next resolves every call anew (key parsing, fallbacks, interpolation), and a view makes a few
 * hundred calls per render. The bundled translations never change at run time, so a result is cached
 * per language, key and options (options of plain values only; anything else goes straight through).
 */
const CACHE_MAX = 4000;
const fixed = new Map<string, TFunction>();

function cacheable(opts: unknown): opts is Record<string, string | number | boolean | null> | undefined {
  if (opts === undefined) return true;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) return false;
  for (const v of Object.values(opts)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  }
  return true;
}

export function cachedT(lang: string, inst: I18n = i18n()): TFunction {
  const memo = inst === shared ? fixed.get(lang) : undefined;
  if (memo) return memo;
  const base = inst.getFixedT(lang);
  const results = new Map<string, unknown>();
  const call = (key: unknown, opts?: unknown, ...rest: unknown[]): unknown => {
    const direct = base as unknown as (...a: unknown[]) => unknown;
    if (typeof key !== 'string' || rest.length > 0 || !cacheable(opts)) return direct(key, opts, ...rest);
    const id = opts === undefined ? key : `${key}\u0000${JSON.stringify(opts)}`;
    if (results.has(id)) return results.get(id);
    const value = direct(key, opts);
    if (results.size >= CACHE_MAX) results.clear();
    results.set(id, value);
    return value;
  };
  const t = Object.assign(call, base) as unknown as TFunction;
  if (inst === shared) fixed.set(lang, t);
  return t;
}

export interface Translation {
  t: TFunction;
  lang: string;
}

/**
 * The language in use, provided once at the root: the ~50 components that translate then do not each
 * subscribe to the store (each subscription runs on every store change: every tap and every second).
 */
export const LangContext = createContext<Translation | null>(null);

export function LangProvider({ children }: { children: ReactNode }) {
  const lang = useKiosk(selectLang);
  const value = useMemo(() => ({ t: cachedT(lang), lang }), [lang]);
  return createElement(LangContext.Provider, { value }, children);
}

const noSubscription = () => () => {};

/** The translate function of the language in use, and that language (from LangProvider, else the store). */
export function useT(): Translation {
  const provided = useContext(LangContext);
  const store = useContext(StoreContext);
  const lang = useSyncExternalStore(provided || !store ? noSubscription : store.subscribe, () =>
    provided ? provided.lang : store ? selectLang(store.getState()) : 'da',
  );
  return useMemo(() => provided ?? { t: cachedT(lang), lang }, [provided, lang]);
}

/** Translate in a given language (for views that show several languages at once). */
export function tIn(lang: string): TFunction {
  return cachedT(lang);
}
