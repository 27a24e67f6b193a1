import type { LocalizedText } from '../../../../protocol/index.ts';

/** Text in the wanted language, else English, else Danish, else whatever there is. */
export function pick(text: LocalizedText | undefined | null, lang: string): string {
  if (!text) return '';
  return text[lang] ?? text.en ?? text.da ?? Object.values(text)[0] ?? '';
}

/** Every language version of a text, the given languages first, each once. */
export function allVersions(
  text: LocalizedText | undefined,
  order: readonly string[],
): Array<[string, string]> {
  if (!text) return [];
  const langs = [...order.filter((l) => l in text), ...Object.keys(text).filter((l) => !order.includes(l))];
  return langs.map((l) => [l, text[l] ?? '']);
}
