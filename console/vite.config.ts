import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console is served by the API's own hosts under /console/, from dist/. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Mermaid is loaded on demand in chunks of its own; they are large and that is expected.
    chunkSizeWarningLimit: 3000,
  },
  server: {
    proxy: Object.fromEntries(
      [
        '/orders',
        '/inventory',
        '/notifications',
        '/payments',
        '/subscriptions',
        '/admin',
        '/console/api',
      ].map((path) => [path, process.env.API_URL ?? 'http://127.0.0.1:3000']),
    ),
  },
});
