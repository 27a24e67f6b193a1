import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** A modal <dialog> asking to confirm; focus goes to the cancel button, Escape cancels. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <p>{props.body}</p>
      <div className="row end">
        {/* biome-ignore lint/a11y/noAutofocus: the safe choice takes focus in a confirmation */}
        <button type="button" className="secondary" autoFocus onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" className={props.danger ? 'danger' : ''} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
