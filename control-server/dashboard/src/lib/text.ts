import type { LocalizedText } from '../../../../protocol/index.ts';

/** Text in the wanted language, else Danish, English, or whatever there is. */
export function pickText(text: LocalizedText | undefined, lang: string): string {
  if (!text) return '';
  return text[lang] || text.da || text.en || Object.values(text).find((v) => v) || '';
}
