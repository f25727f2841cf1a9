import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { Json, Loading, ProblemNote, when } from '../components/Feedback';
import { useCommand } from '../components/useCommand';

interface DeadLetter {
  readonly service: string;
  readonly id: number;
  readonly consumer: string;
  readonly messageId: string;
  readonly type: string;
  readonly envelope: unknown;
  readonly reason: string;
  readonly deliveries: number;
  readonly deadLetteredAt: string;
  readonly replayedAt: string | null;
}

/** Messages consumers gave up on: why, what they carried, and replaying them once the cause is fixed. */
export function DeadLetters() {
  const [includeReplayed, setIncludeReplayed] = useState(false);
  // Said here, not on the letter's card: a replayed letter leaves the list of open ones.
  const [replayed, setReplayed] = useState<string>();
  const list = useQuery({
    queryKey: ['dead-letters', includeReplayed],
    queryFn: () =>
      api<{ deadLetters: DeadLetter[] }>(`/admin/dead-letters?includeReplayed=${includeReplayed}`),
  });
  return (
    <section aria-labelledby="dead-letters-title">
      <h1 id="dead-letters-title">Dead letters</h1>
      <label>
        <input
          type="checkbox"
          role="switch"
          checked={includeReplayed}
          onChange={(event) => {
            setIncludeReplayed(event.target.checked);
          }}
        />
        Show replayed letters too
      </label>
      {replayed && <p role="status">{replayed}</p>}
      {list.isPending && <Loading what="dead letters" />}
      <ProblemNote error={list.error} />
      {list.data?.deadLetters.length === 0 && <p>No dead letter: every message was handled.</p>}
      {list.data?.deadLetters.map((letter) => (
        <LetterCard key={`${letter.service}-${letter.id}`} letter={letter} onReplayed={setReplayed} />
      ))}
    </section>
  );
}

function LetterCard({ letter, onReplayed }: { letter: DeadLetter; onReplayed: (outcome: string) => void }) {
  const replay = useCommand<undefined>(`/admin/dead-letters/${letter.service}/${letter.id}/replay`, [
    'dead-letters',
  ]);
  return (
    <article aria-label={`Dead letter ${letter.service} #${letter.id}`} data-dead-letter={letter.messageId}>
      <header>
        <strong>{letter.type}</strong> to {letter.consumer} · {letter.service} #{letter.id}
      </header>
      <dl>
        <dt>Reason</dt>
        <dd className="reason">{letter.reason}</dd>
        <dt>Deliveries</dt>
        <dd>{letter.deliveries}</dd>
        <dt>Dead-lettered</dt>
        <dd>{when(letter.deadLetteredAt)}</dd>
        <dt>Replayed</dt>
        <dd>{when(letter.replayedAt)}</dd>
      </dl>
      <details>
        <summary>Payload</summary>
        <Json value={letter.envelope} label={`Payload of dead letter ${letter.id}`} />
      </details>
      {!letter.replayedAt && (
        <ConfirmButton
          label="Replay"
          question={`Deliver this ${letter.type} to ${letter.consumer} again? Do it once the cause is fixed.`}
          confirmLabel="Replay it"
          disabled={replay.isPending}
          onConfirm={() => {
            replay.mutate(undefined, {
              onSuccess: (answer) => {
                const { outcome } = answer as { outcome: string };
                onReplayed(`Replayed ${letter.type} (${letter.service} #${letter.id}): ${outcome}.`);
              },
            });
          }}
        />
      )}
      <ProblemNote error={replay.error} />
    </article>
  );
}
