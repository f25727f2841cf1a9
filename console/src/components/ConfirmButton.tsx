import { useRef, type ReactNode } from 'react';

interface ConfirmButtonProps {
  readonly label: string;
  readonly question: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly disabled?: boolean;
  readonly danger?: boolean;
}

/** A button that asks before it acts, in the browser's own modal dialog (focus trap and Escape included). */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  danger,
}: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button
        type="button"
        className={danger ? 'secondary' : undefined}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-label={label}>
        <article>
          <p>{question}</p>
          <footer>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Keep it
            </button>
            <button
              type="button"
              onClick={() => {
                dialog.current?.close();
                onConfirm();
              }}
            >
              {confirmLabel}
            </button>
          </footer>
        </article>
      </dialog>
    </>
  );
}
