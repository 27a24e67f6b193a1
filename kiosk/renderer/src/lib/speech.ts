import { locale } from './time.ts';

/** Web Speech API, where the platform has it (Chromium with voices, Electron with speech-dispatcher). */
export function canSpeak(): boolean {
  return (
    typeof window !== 'undefined' &&
    'speechSynthesis' in window &&
    typeof SpeechSynthesisUtterance === 'function'
  );
}

export function speak(text: string, lang: string, onEnd?: () => void): void {
  if (!canSpeak()) return;
  window.speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = locale(lang);
  u.rate = 0.95;
  if (onEnd) {
    u.onend = onEnd;
    u.onerror = onEnd;
  }
  window.speechSynthesis.speak(u);
}

/** Stops speech in progress. Only when there is any: cancel() is a round trip to the speech service. */
export function stopSpeaking(): void {
  if (!canSpeak()) return;
  const synth = window.speechSynthesis;
  if (synth.speaking || synth.pending) synth.cancel();
}

/** The readable text of the current view: its visible text, one sentence per block. */
export function viewText(root: Element | null): string {
  if (!root) return '';
  const html = root as HTMLElement;
  // innerText (not textContent): only what is visible, with its line breaks.
  // biome-ignore lint/performance/useDomNodeTextContent: visible text is what should be read
  return (html.innerText ?? root.textContent ?? '').replace(/\n+/g, '. ').replace(/\s+/g, ' ').trim();
}
