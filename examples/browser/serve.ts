/**
 * Serves a folder (default examples/browser) on http://127.0.0.1:8080;
 * `npm run example:browser` builds the runtime bundle and the model first.
 */
import { serveFolder } from './static-server.js';

const server = await serveFolder(process.argv[2] ?? 'examples/browser', Number(process.env.PORT ?? 8080));
console.log(`open ${server.url}/ (Ctrl-C to stop)`);
