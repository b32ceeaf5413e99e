// CORS on the upload host (SPEC 1.2): preflights over raw HTTP, then a real
// headless Chromium uploading from an allowed page and being blocked on another.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, presign, rawHttp, startDevServer, targetOf, type DevServer, type Presigned } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';

/** A tiny site: the page a browser app would be, served from its own origin. */
async function site(): Promise<{ origin: string; server: http.Server }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>app</title><p>app</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let sandbox: Sandbox;
let server: DevServer;
let allowed: { origin: string; server: http.Server };
let other: { origin: string; server: http.Server };
let presigned: Presigned;

beforeAll(async () => {
  sandbox = makeSandbox();
  allowed = await site();
  other = await site();
  server = await startDevServer(sandbox, ['--cors-origin', allowed.origin]);
  presigned = await presign(server, '/cors/page.txt', { contentType: 'text/plain' });
});

afterAll(async () => {
  await server?.stop();
  allowed?.server.close();
  other?.server.close();
  rmSync(sandbox.dir, { recursive: true, force: true });
});

function preflight(origin: string | undefined, method: string, headers: string) {
  return rawHttp(server.apiUrl, {
    method: 'OPTIONS',
    target: targetOf(presigned.uploadUrl),
    headers: {
      ...(origin ? { Origin: origin } : {}),
      'Access-Control-Request-Method': method,
      ...(headers ? { 'Access-Control-Request-Headers': headers } : {}),
    },
  });
}

const allowHeaders = (headers: Record<string, string>): string[] =>
  Object.keys(headers).filter((h) => h.startsWith('access-control-allow'));

describe('preflights', () => {
  it('--cors-origin adds the origin to the workspace settings', async () => {
    expect((await api(server, 'GET', '/cors')).body.allowedOrigins).toEqual([allowed.origin]);
  });

  it('answers 204 to an allowed origin asking PUT with only the signed headers', async () => {
    const answer = await preflight(allowed.origin, 'PUT', 'content-type,x-amz-signature');
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(allowed.origin);
    expect(answer.headers['access-control-allow-methods']).toContain('PUT');
    expect(answer.headers['access-control-allow-headers']?.toLowerCase()).toContain('x-amz-signature');
    expect(answer.headers['access-control-max-age']).toBe('600');
    expect(answer.headers.vary).toBe('Origin');
    expect((await preflight(allowed.origin, 'PUT', 'x-amz-signature')).status).toBe(204);
  });

  it.each([
    ['another origin', () => other.origin, 'PUT', 'content-type,x-amz-signature'],
    ['no origin', () => undefined, 'PUT', 'content-type'],
    ['another method', () => allowed.origin, 'POST', 'content-type'],
    ['an unsigned header', () => allowed.origin, 'PUT', 'content-type,x-amz-signature,authorization'],
  ])('answers 403 without Access-Control-Allow-* to %s', async (_title, origin, method, headers) => {
    const answer = await preflight(origin(), method, headers);
    expect(answer.status).toBe(403);
    expect(allowHeaders(answer.headers)).toEqual([]);
  });

  it('answers 403 without Access-Control-Allow-* to a preflight on the API', async () => {
    const answer = await rawHttp(server.apiUrl, {
      method: 'OPTIONS',
      target: `/v1/workspaces/${server.workspace}/files/presign-upload`,
      headers: { Origin: allowed.origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(answer.status).toBe(403);
    expect(allowHeaders(answer.headers)).toEqual([]);
  });

  it('marks PUT answers, errors included, readable by an allowed origin only, exposing nothing', async () => {
    const p = await presign(server, '/cors/raw.txt', { contentType: 'text/plain' });
    const send = (origin: string, headers = p.headers) =>
      rawHttp(server.apiUrl, { target: targetOf(p.uploadUrl), headers: { ...headers, Origin: origin, 'Content-Length': '2' }, body: 'ok' });
    const ok = await send(allowed.origin);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(allowed.origin);
    expect(ok.headers['access-control-expose-headers']).toBeUndefined();
    const denied = await send(allowed.origin, { ...p.headers, 'X-Amz-Signature': '0'.repeat(64) });
    expect(denied.status).toBe(403);
    expect(denied.headers['access-control-allow-origin']).toBe(allowed.origin);
    expect(allowHeaders((await send(other.origin)).headers)).toEqual([]);
  });
});

describe('in a real browser (headless Chromium)', () => {
  it('uploads from an allowed page, reads an error answer there, and is blocked by CORS on another origin', async () => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'fastup-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      const putFrom = async (origin: string, p: Presigned, body: string) => {
        await page.goto(`${origin}/`);
        return page.evaluate(
          async ({ url, headers, body }) => {
            try {
              const res = await fetch(url, { method: 'PUT', headers, body });
              return { status: res.status, text: await res.text() };
            } catch (err) {
              return { error: String(err) };
            }
          },
          { url: p.uploadUrl, headers: p.headers, body },
        );
      };

      const fromAllowed = await putFrom(allowed.origin, presigned, 'from the browser');
      expect(fromAllowed).toMatchObject({ status: 200 });
      expect(JSON.parse((fromAllowed as { text: string }).text)).toMatchObject({ path: '/cors/page.txt', sizeBytes: 16 });

      const forged = { ...presigned, headers: { ...presigned.headers, 'X-Amz-Signature': 'f'.repeat(64) } };
      const error = await putFrom(allowed.origin, forged, 'forged');
      expect(error).toMatchObject({ status: 403 });
      expect(JSON.parse((error as { text: string }).text).error.code).toBe('SignatureDoesNotMatch');

      const blockedTarget = await presign(server, '/cors/blocked.txt', { contentType: 'text/plain' });
      const fromOther = await putFrom(other.origin, blockedTarget, 'should not arrive');
      expect(fromOther).toEqual({ error: expect.stringContaining('Failed to fetch') });
      expect((await api(server, 'GET', `/files?path=${encodeURIComponent('/cors/blocked.txt')}`)).status).toBe(404);
    } finally {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
