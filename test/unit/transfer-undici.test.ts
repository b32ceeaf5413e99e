// issue 6: undici is loaded lean (its agent, request API and connector, not
// fetch/WebSocket/caches), which saves ~65 ms and ~9 MB on every upload. An
// undici upgrade that moves those files fails the build; one that changes what
// they export is what these tests notice.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createDispatcher, loadUndici, readBodyText } from '../../src/core/http.js';

const require = createRequire(import.meta.url);

describe('loadUndici', () => {
  it('loads the agent without undici’s index, and it is the same Agent', async () => {
    const { Agent, buildConnector } = await loadUndici();
    expect(Object.keys(require.cache).some((k) => /[/\\]undici[/\\]index\.js$/.test(k))).toBe(false);
    expect(typeof buildConnector).toBe('function');
    expect(Agent).toBe((require('undici') as { Agent: unknown }).Agent);
  });

  it('gives dispatchers that send a request and read the answer', async () => {
    const server = http.createServer((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(`${req.method} ${req.url} ${n}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dispatcher = await createDispatcher();
    try {
      const { port } = server.address() as AddressInfo;
      const res = await dispatcher.request({ origin: `http://127.0.0.1:${port}`, path: '/a%2e%2e/b?x=1', method: 'PUT', body: Buffer.alloc(1000) });
      expect(res.statusCode).toBe(200);
      expect(await readBodyText(res.body)).toBe('PUT /a%2e%2e/b?x=1 1000');
    } finally {
      await dispatcher.close();
      server.close();
    }
  });
});
