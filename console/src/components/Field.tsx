import { useId, type InputHTMLAttributes } from 'react';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  readonly label: string;
  /** The API's complaint about this field, shown beside it and tied to it for screen readers. */
  readonly error?: string | undefined;
}

export function Field({ label, error, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <label htmlFor={id}>
      {label}
      <input id={id} {...input} {...(error ? { 'aria-invalid': true, 'aria-describedby': errorId } : {})} />
      {error && (
        <small id={errorId} className="field-error" role="alert">
          {error}
        </small>
      )}
    </label>
  );
}
