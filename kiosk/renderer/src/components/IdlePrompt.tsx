import { useEffect, useRef } from 'react';
import { useT } from '../i18n.ts';
import { PROMPT_S } from '../idle.ts';
import { useKiosk, useStoreApi } from '../store/index.ts';

/** "Still there?" with a 10 s countdown; any touch (or the button) keeps the session. */
export function IdlePrompt() {
  const { t } = useT();
  const store = useStoreApi();
  const left = useKiosk((s) => {
    const timeoutMs = (s.kiosk?.config?.idleTimeoutS ?? 60) * 1000;
    const left = Math.ceil((timeoutMs + PROMPT_S * 1000 - (s.now - s.lastInput)) / 1000);
    return Math.min(PROMPT_S, Math.max(0, left));
  });
  const btn = useRef<HTMLButtonElement>(null);
  useEffect(() => btn.current?.focus(), []);
  return (
    // A tap anywhere keeps the session; the backdrop takes that click so nothing beneath receives it.
    // Keypad users have the focused button.
    // biome-ignore lint/a11y/noStaticElementInteractions: the focused button is the keyboard path
    // biome-ignore lint/a11y/useKeyWithClickEvents: the focused button is the keyboard path
    <div className="idle-backdrop" onClick={() => store.getState().input(Date.now())}>
      <div
        className="idle-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-body"
      >
        <h2 id="idle-title">{t('idle.title')}</h2>
        <p id="idle-body">{t('idle.body', { count: left })}</p>
        <p className="idle-count num" aria-hidden="true">
          {left}
        </p>
        <button
          ref={btn}
          type="button"
          className="primary-btn"
          onClick={() => store.getState().input(Date.now())}
        >
          {t('idle.stay')}
        </button>
      </div>
    </div>
  );
}
