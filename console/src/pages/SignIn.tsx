import { useState, type SyntheticEvent } from 'react';
import { api, ApiProblem } from '../api';
import { describe } from '../components/Feedback';
import { Field } from '../components/Field';
import { forgetSession, keepSession, readToken, type Session } from '../session';

/** Operators sign in with a bearer token (`npm run token -- --sub <id> --role staff`). */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const session = readToken(token);
    if (typeof session === 'string') {
      setError(session);
      return;
    }
    if (session.role === 'customer') {
      setError('This console is for staff and administrators: a customer token is refused.');
      return;
    }
    keepSession(session);
    setChecking(true);
    try {
      // The server has the last word: it verifies the token's signature and that the role is staff's.
      await api('/orders/statistics');
      onSignedIn(session);
    } catch (failure) {
      forgetSession();
      setError(
        failure instanceof ApiProblem && (failure.status === 401 || failure.status === 403)
          ? `The server refused this token: ${failure.message}`
          : `The server could not be asked: ${describe(failure)}`,
      );
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="container sign-in">
      <h1>Orders console</h1>
      <form onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <Field
          label="Access token"
          name="token"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(event) => {
            setToken(event.target.value);
          }}
          error={error}
        />
        <button type="submit" aria-busy={checking} disabled={checking}>
          Sign in
        </button>
      </form>
      <p>
        <small>
          The token stays in this tab only. Get one with{' '}
          <code>npm run token -- --sub &lt;id&gt; --role staff</code>.
        </small>
      </p>
    </main>
  );
}
