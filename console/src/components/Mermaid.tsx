import { useEffect, useId, useRef, useState } from 'react';

/** Draws a Mermaid diagram in the page; Mermaid itself is loaded on the first diagram. */
export function Mermaid({ source, title }: { source: string; title: string }) {
  const id = `mermaid-${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const [svg, setSvg] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const drawings = useRef(0);
  useEffect(() => {
    // Mermaid removes any element with the id it renders under: a redraw (the source changed) under
    // the same id would take the diagram shown off the page until the new one is in.
    drawings.current += 1;
    const drawingId = `${id}-${drawings.current}`;
    const unmounted = new AbortController();
    void (async () => {
      try {
        const { default: mermaid } = await import('mermaid');
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
        const drawn = await mermaid.render(drawingId, source);
        if (!unmounted.signal.aborted) setSvg(drawn.svg);
      } catch (error) {
        if (!unmounted.signal.aborted) setFailure(error instanceof Error ? error.message : 'unknown error');
      }
    })();
    return () => {
      unmounted.abort();
    };
  }, [id, source]);
  if (failure) return <p className="problem">The diagram could not be drawn: {failure}</p>;
  return (
    <figure className="diagram" aria-busy={svg ? undefined : true}>
      {/* Mermaid's output is an SVG it built from text with its strict security level. */}
      <div role="img" aria-label={title} dangerouslySetInnerHTML={svg ? { __html: svg } : undefined} />
      <figcaption>{title}</figcaption>
    </figure>
  );
}
