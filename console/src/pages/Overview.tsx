import { EventSource } from 'eventsource';
import { useEffect, useState } from 'react';
import { authorization } from '../api';
import { Loading } from '../components/Feedback';
import { href } from '../router';
import type { OverviewFigures } from '../../../src/hosts/console/overview';

/**
 * The figures the server pushes every second. EventSource cannot send a bearer token, so this one
 * streams over fetch, which can.
 */
function useOverviewStream(): { figures?: OverviewFigures; failure?: string } {
  const [figures, setFigures] = useState<OverviewFigures>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    const source = new EventSource('/console/api/overview', {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...authorization() } }),
    });
    source.addEventListener('overview', (event) => {
      setFigures(JSON.parse(event.data as string) as OverviewFigures);
      setFailure(undefined);
    });
    source.addEventListener('failure', (event) => {
      setFailure((JSON.parse(event.data as string) as { detail: string }).detail);
    });
    source.addEventListener('error', (event) => {
      setFailure(event.code ? `The stream was refused (${event.code})` : 'The stream was interrupted');
    });
    return () => {
      source.close();
    };
  }, []);
  return { ...(figures ? { figures } : {}), ...(failure ? { failure } : {}) };
}

export function Overview() {
  const { figures, failure } = useOverviewStream();
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      {failure && (
        <p className="problem" role="alert">
          {failure}
        </p>
      )}
      {figures ? (
        <>
          <div className="figures" aria-live="polite">
            <Figure label="Orders per second now" value={figures.ordersPerSecond?.toFixed(2) ?? '…'} />
            <Figure
              label="Backlog"
              value={figures.backlog ?? 'admin only'}
              attention={(figures.backlog ?? 0) > 0}
            />
            <Figure
              label="Open dead letters"
              value={figures.openDeadLetters ?? 'admin only'}
              attention={(figures.openDeadLetters ?? 0) > 0}
              {...(figures.openDeadLetters === null ? {} : { link: href('dead-letters') })}
            />
            <Figure
              label="Flow departures"
              value={figures.departingFlows}
              attention={figures.departingFlows > 0}
            />
          </div>
          <h2>Orders per status</h2>
          <div className="figures">
            {Object.entries(figures.ordersByStatus).map(([status, count]) => (
              <Figure key={status} label={status} value={count} link={`${href('orders')}?status=${status}`} />
            ))}
            <Figure label="all orders" value={figures.ordersTotal} link={href('orders')} />
          </div>
          <p>
            <small>
              Updated {new Date(figures.at).toLocaleTimeString()}, pushed by the server every second.
            </small>
          </p>
        </>
      ) : (
        !failure && <Loading what="the figures" />
      )}
    </section>
  );
}

function Figure(props: { label: string; value: number | string; attention?: boolean; link?: string }) {
  const body = (
    <>
      <span className="figure-value">{props.value}</span>
      <span className="figure-label">{props.label}</span>
    </>
  );
  return (
    <article className={props.attention ? 'figure attention' : 'figure'} data-figure={props.label}>
      {props.link ? <a href={props.link}>{body}</a> : body}
    </article>
  );
}
