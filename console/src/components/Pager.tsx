/**
 * Previous and next buttons over a cursor-paged list. `cursors` is the trail of cursors that led to
 * the page shown (empty on the first page); `next` is the cursor of the page after it, if any.
 */
export function Pager({
  cursors,
  next,
  onChange,
  labels,
}: {
  cursors: readonly string[];
  next: string | null;
  onChange: (cursors: string[]) => void;
  labels: { readonly back: string; readonly forward: string };
}) {
  return (
    <nav aria-label="Pages" className="toolbar">
      <button
        type="button"
        className="secondary"
        disabled={cursors.length === 0}
        onClick={() => {
          onChange(cursors.slice(0, -1));
        }}
      >
        {labels.back}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!next}
        onClick={() => {
          if (next) onChange([...cursors, next]);
        }}
      >
        {labels.forward}
      </button>
    </nav>
  );
}
