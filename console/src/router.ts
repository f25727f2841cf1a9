import { useEffect, useState } from 'react';

export interface Route {
  readonly path: string[];
  readonly params: URLSearchParams;
}

/**
 * Pages live in the URL's fragment (`#/orders/<id>`, `#/orders?status=pending`), so the server
 * serves one file for every page and a reload or a shared link opens the same page.
 */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const onChange = () => {
      setHash(location.hash);
    };
    addEventListener('hashchange', onChange);
    return () => {
      removeEventListener('hashchange', onChange);
    };
  }, []);
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  return {
    path: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

export const href = (...segments: string[]) => `#/${segments.map(encodeURIComponent).join('/')}`;

export const navigate = (link: string) => {
  location.hash = link;
};
