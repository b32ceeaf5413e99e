// The parts of undici that fastup uses: the agent, the request API and the
// connector. undici's index loads every feature (fetch, WebSocket, caches,
// mocks): ~95 ms and ~9 MB for each run, against ~27 ms for these (issue 6:
// start-up is paid by every upload). These are undici's own files, not its
// documented API: the bundle resolves them at build time, so an undici
// upgrade that moves them fails `npm run build`, not a user's upload.
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import buildConnector from 'undici/lib/core/connect.js';
import api from 'undici/lib/api/index.js';

// What undici's index does to give every dispatcher request(), stream(), …
Object.assign(Dispatcher.prototype, api);

export { Agent, buildConnector };
