import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import da from '../i18n/da.json' with { type: 'json' };
import en from '../i18n/en.json' with { type: 'json' };

export const LANGUAGES = [
  { code: 'da', name: 'Dansk' },
  { code: 'en', name: 'English' },
] as const;
export type UiLanguage = (typeof LANGUAGES)[number]['code'];

const KEY = 'stander.lang';

function initialLanguage(): UiLanguage {
  const saved = localStorage.getItem(KEY);
  if (saved === 'da' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('da') ? 'da' : 'en';
}

export function setLanguage(lng: UiLanguage): void {
  localStorage.setItem(KEY, lng);
  void i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export function initI18n(): typeof i18next {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  void i18next.use(initReactI18next).init({
    resources: { da: { translation: da }, en: { translation: en } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}
