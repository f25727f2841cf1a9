import { useState } from 'react';
import { Catalog } from './pages/Catalog';
import { DeadLetters } from './pages/DeadLetters';
import { Inventory } from './pages/Inventory';
import { NotificationPage, Notifications } from './pages/Notifications';
import { OrderPage } from './pages/OrderPage';
import { Orders } from './pages/Orders';
import { Overview } from './pages/Overview';
import { Payments } from './pages/Payments';
import { SignIn } from './pages/SignIn';
import { Subscriptions } from './pages/Subscriptions';
import { href, useRoute, type Route } from './router';
import { forgetSession, storedSession, type Session } from './session';

const pages = [
  { path: 'overview', title: 'Overview' },
  { path: 'orders', title: 'Orders' },
  { path: 'inventory', title: 'Inventory' },
  { path: 'notifications', title: 'Notifications' },
  { path: 'payments', title: 'Payments' },
  { path: 'subscriptions', title: 'Subscriptions' },
  { path: 'dead-letters', title: 'Dead letters', adminOnly: true },
  { path: 'catalog', title: 'Catalog' },
];

export function App() {
  const [session, setSession] = useState(storedSession);
  const route = useRoute();
  if (!session) return <SignIn onSignedIn={setSession} />;
  const [section = 'overview'] = route.path;
  const signOut = () => {
    forgetSession();
    setSession(undefined);
  };
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the page
      </a>
      <header className="container-fluid">
        <nav aria-label="Console">
          <ul>
            <li>
              <strong>Orders console</strong>
            </li>
          </ul>
          <ul className="sections">
            {pages
              .filter((page) => !page.adminOnly || session.role === 'admin')
              .map((page) => (
                <li key={page.path}>
                  <a href={href(page.path)} aria-current={section === page.path ? 'page' : undefined}>
                    {page.title}
                  </a>
                </li>
              ))}
          </ul>
          <ul>
            <li>
              <small>
                {session.subject} ({session.role})
              </small>
            </li>
            <li>
              <button type="button" className="secondary outline" onClick={signOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" className="container-fluid" tabIndex={-1}>
        <Page route={route} session={session} />
      </main>
    </>
  );
}

function Page({ route, session }: { route: Route; session: Session }) {
  const [section = 'overview', id] = route.path;
  switch (section) {
    case 'orders':
      return id ? <OrderPage key={id} orderId={id} /> : <Orders params={route.params} />;
    case 'inventory':
      return <Inventory />;
    case 'notifications':
      return id ? <NotificationPage notificationId={id} /> : <Notifications params={route.params} />;
    case 'payments':
      return <Payments params={route.params} />;
    case 'subscriptions':
      return <Subscriptions params={route.params} />;
    case 'dead-letters':
      return session.role === 'admin' ? (
        <DeadLetters />
      ) : (
        <p role="alert">Dead letters are for administrators.</p>
      );
    case 'catalog':
      return <Catalog />;
    default:
      return <Overview />;
  }
}
