import assert from 'node:assert/strict';

export interface Decider<State, Command, Event> {
  decide(state: State | undefined, command: Command, now: Date): Event[];
  evolve(state: State | undefined, event: Event): State;
}

/**
 * given(past events).when(command).then(expected events) — the grammar of decider specs.
 * The state is rebuilt from the given events with `evolve`, exactly as the service does.
 */
export function deciderSpec<State, Command, Event>(decider: Decider<State, Command, Event>, now: Date) {
  return {
    given(events: readonly Event[]) {
      const state = events.reduce<State | undefined>(
        (current, event) => decider.evolve(current, event),
        undefined,
      );
      return {
        when(command: Command) {
          const run = () => decider.decide(state, command, now);
          return {
            then(expected: readonly Event[]) {
              assert.deepEqual(run(), expected);
            },
            thenNothingHappened() {
              assert.deepEqual(run(), []);
            },
            thenThrows(code: string) {
              assert.throws(run, (error: unknown) => (error as { code?: string }).code === code);
            },
            /** The state after applying what the command decided. */
            thenState(check: (state: State) => void) {
              const after = run().reduce<State | undefined>(
                (current, event) => decider.evolve(current, event),
                state,
              );
              assert.ok(after, 'the command left no state');
              check(after);
            },
          };
        },
      };
    },
  };
}
