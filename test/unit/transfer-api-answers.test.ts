// issue 6: the API's answers are checked by hand instead of with zod (~42 ms
// and ~14 MB per upload). The checks must stay as strict as the schemas were.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { ApiClient } from '../../src/core/api-client.js';
import { createDispatcher } from '../../src/core/http.js';

let answer: unknown;
let server: http.Server;
let dispatcher: Dispatcher;
let client: ApiClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dispatcher = await createDispatcher();
  const { port } = server.address() as AddressInfo;
  client = new ApiClient({ apiUrl: `http://127.0.0.1:${port}`, apiKey: 'k', workspace: 'ws', dispatcher, retries: 0 });
});

afterAll(async () => {
  await dispatcher.close();
  server.close();
});

const url = 'http://h/v1/direct/x?sig=1';

describe('ApiClient answers', () => {
  it('presign: defaults method and headers, drops unknown fields', async () => {
    answer = { uploadUrl: url, extra: 1 };
    expect(await client.presignUpload({ path: '/a', contentType: 'a/b' })).toEqual({ uploadUrl: url, method: 'PUT', headers: {} });
    answer = { uploadUrl: url, method: 'POST', headers: { 'X-A': 'b' }, expiresAt: '2030-01-01T00:00:00Z' };
    expect(await client.presignUpload({ path: '/a', contentType: 'a/b' })).toEqual(answer);
  });

  it.each([
    ['not an object', [url]],
    ['null', null],
    ['no uploadUrl', { method: 'PUT' }],
    ['uploadUrl a number', { uploadUrl: 5 }],
    ['method null', { uploadUrl: url, method: null }],
    ['headers an array', { uploadUrl: url, headers: ['a'] }],
    ['a header value a number', { uploadUrl: url, headers: { 'X-A': 1 } }],
    ['expiresAt a number', { uploadUrl: url, expiresAt: 5 }],
  ])('presign: %s is a BadApiResponse', async (_name, value) => {
    answer = value;
    await expect(client.presignUpload({ path: '/a', contentType: 'a/b' })).rejects.toMatchObject({ code: 'BadApiResponse' });
  });

  it('webhooks, file status and locks keep their fields and refuse wrong types', async () => {
    answer = { id: 'wh_1', url: 'http://l/', events: ['file.committed'], secret: 'whsec_x', ttlSeconds: 5 };
    expect(await client.createWebhook({ url: 'http://l/', events: ['file.committed'] })).toEqual({
      id: 'wh_1',
      url: 'http://l/',
      events: ['file.committed'],
      secret: 'whsec_x',
    });
    answer = { id: 'wh_1', url: 'http://l/', events: ['file.committed'] };
    await expect(client.createWebhook({ url: 'http://l/', events: [] })).rejects.toMatchObject({ code: 'BadApiResponse' });
    answer = { data: [{ id: 'wh_1', url: 'http://l/', events: ['a', 'b'] }] };
    expect(await client.listWebhooks()).toEqual([{ id: 'wh_1', url: 'http://l/', events: ['a', 'b'] }]);
    answer = { data: [{ id: 'wh_1', url: 'http://l/', events: ['a', 2] }] };
    await expect(client.listWebhooks()).rejects.toMatchObject({ code: 'BadApiResponse' });
    answer = { path: '/a', sizeBytes: 3, contentType: 'a/b', sha256: 'f'.repeat(64) };
    expect(await client.fileStatus('/a')).toEqual(answer);
    answer = { path: '/a', sizeBytes: '3', contentType: 'a/b', sha256: 'f'.repeat(64) };
    await expect(client.fileStatus('/a')).rejects.toMatchObject({ code: 'BadApiResponse' });
    answer = { lockId: 'l1', path: '/a', expiresAt: '2030-01-01T00:00:00Z' };
    expect(await client.createLock('/a', 60)).toEqual(answer);
    answer = { lockId: 1, path: '/a' };
    await expect(client.createLock('/a', 60)).rejects.toMatchObject({ code: 'BadApiResponse' });
  });
});
