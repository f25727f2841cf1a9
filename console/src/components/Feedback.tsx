import { ApiProblem } from '../api';

/** A failure the form cannot pin on one field: the problem's detail, and the fields it names. */
export function ProblemNote({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : undefined;
  const others = problem?.errors.filter((entry) => !shownFields.includes(entry.field)) ?? [];
  return (
    <p className="problem" role="alert">
      {problem ? `${problem.message} (${problem.code})` : describe(error)}
      {others.map((entry) => (
        <span key={entry.field}>
          <br />
          <code>{entry.field}</code>: {entry.message}
        </span>
      ))}
    </p>
  );
}

export const describe = (error: unknown) => (error instanceof Error ? error.message : JSON.stringify(error));

export function Loading({ what }: { what: string }) {
  return <p aria-busy="true">Loading {what}…</p>;
}

export function Status({ value }: { value: string }) {
  return <mark className={`status status-${value}`}>{value}</mark>;
}

export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre tabIndex={0} aria-label={label}>
      <code>{JSON.stringify(value, null, 2)}</code>
    </pre>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
