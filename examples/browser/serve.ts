/**
 * Serves a folder (default examples/browser) on http://127.0.0.1:8080 with
 * the headers that make the page cross-origin isolated (so it has shared
 * memory and a model runs on threads); `npm run example:browser` builds the
 * runtime bundle and the model first.
 */
import { CROSS_ORIGIN_ISOLATION, serveFolder } from './static-server.js';

const server = await serveFolder(
  process.argv[2] ?? 'examples/browser',
  Number(process.env.PORT ?? 8080),
  CROSS_ORIGIN_ISOLATION,
);
console.log(`open ${server.url}/ (Ctrl-C to stop)`);
