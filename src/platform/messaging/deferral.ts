/**
 * Thrown by a handler whose message cannot be handled until another fact holds — typically a
 * message of another stream that has not arrived yet. The runner parks the message under
 * `awaited` and runs it again once a unit of work of the same service calls `resume(awaited)`,
 * instead of retrying it blindly until it is dead-lettered.
 */
export class Deferral extends Error {
  override readonly name = 'Deferral';
  readonly awaited: string;

  constructor(awaited: string, message: string) {
    super(message);
    this.awaited = awaited;
  }
}
