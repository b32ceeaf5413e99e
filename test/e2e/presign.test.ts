import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastup, makeSandbox } from '../helpers/fastup.js';
import { startDevServer, type DevServer, clientEnv } from '../helpers/dev-server.js';

describe('fastup presign', () => {
  const sandbox = makeSandbox();
  let server: DevServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startDevServer(sandbox);
    env = clientEnv(server);
  });
  afterAll(() => server.stop());

  it('prints the presign JSON plus "path" on one line when stdout is not a terminal', async () => {
    const result = await fastup(['presign', '/uploads/report.pdf'], { sandbox, env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(1);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ path: '/uploads/report.pdf', method: 'PUT' });
    expect(doc.headers['Content-Type']).toBe('application/pdf');
    expect(doc.uploadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(Date.parse(doc.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(result.stdout + result.stderr).not.toContain(server.apiKey);
  });

  it('--file takes the content type and the size limit from a local file', async () => {
    const file = join(sandbox.dir, 'data.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const doc = JSON.parse((await fastup(['presign', '/d.csv', '--file', file], { sandbox, env })).stdout);
    expect(doc.headers['Content-Type']).toBe('text/csv');
    // The signed URL refuses a body larger than the file.
    const tooBig = join(sandbox.dir, 'big.csv');
    writeFileSync(tooBig, 'x'.repeat(100));
    const put = await execa('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-T', tooBig, '-H', `Content-Type: ${doc.headers['Content-Type']}`, '-H', `X-Amz-Signature: ${doc.headers['X-Amz-Signature']}`, doc.uploadUrl], { reject: false });
    expect(put.stdout).toBe('413');
  });

  it('--curl prints a command that uploads the file as is', async () => {
    const file = join(sandbox.dir, 'notes (1).txt');
    writeFileSync(file, 'hello curl\n');
    const result = await fastup(['presign', '/curl/notes (1).txt', '--file', file, '--curl'], { sandbox, env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^curl .*--path-as-is/);
    const run = await execa('sh', ['-c', result.stdout], { cwd: sandbox.dir, reject: false });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ path: '/curl/notes (1).txt', sizeBytes: 11 });
  });

  it.each([
    [['presign', 'relative/path'], 2, /must start with \//],
    [['presign', '/a/../b'], 2, /'\.\.' segment/],
    [['presign', '/a', '--expires-in', '8d'], 2, /between 1 second and 7 days/],
    [['presign', '/a', '--expires-in', 'soon'], 2, /invalid --expires-in/],
    [['presign', '/a', '--max-size', '10 potatoes'], 2, /invalid --max-size/],
    [['presign', '/a', '--content-type', 'pdf'], 2, /invalid --content-type/],
    [['presign', '/a', '--file', 'missing.bin'], 4, /missing\.bin: no such file \(check the path\)/],
    [['presign', '/a', '--max-size', '2GiB'], 5, /plan does not allow/],
  ])('%j exits %d with one clear line', async (args, code, message) => {
    const result = await fastup(args, { sandbox, env });
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('without an API key it exits 3 and says how to set one', async () => {
    const result = await fastup(['presign', '/a.txt'], { sandbox, env: { ...env, FASTUP_API_KEY: undefined } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('fastup config set api-key');
  });

  it('a wrong API key exits 3 and the key is never echoed', async () => {
    const wrong = 'fio_wrong_key_abcdefghijklmnop';
    const result = await fastup(['presign', '/a.txt', '--verbose'], { sandbox, env: { ...env, FASTUP_API_KEY: wrong } });
    expect(result.exitCode).toBe(3);
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('an unknown workspace exits 3', async () => {
    const result = await fastup(['presign', '/a.txt', '--workspace', 'ws_nope'], { sandbox, env });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/workspace/);
  });

  it('under --json an error is one JSON object on stderr', async () => {
    const result = await fastup(['--json', 'presign', 'nope'], { sandbox, env });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({
      error: expect.objectContaining({ code: 'InvalidPath', exitCode: 2, message: expect.any(String) }),
    });
  });

  it('refuses to send the API key over plain http to a remote host', async () => {
    const result = await fastup(['presign', '/a.txt', '--api-url', 'http://example.com'], { sandbox, env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--allow-insecure-http/);
  });

  it('a refused connection is a network error, exit 6, after retries', async () => {
    const result = await fastup(['presign', '/a.txt', '--api-url', 'http://127.0.0.1:9'], {
      sandbox,
      env: { ...env },
    });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toMatch(/connection refused/);
  });
});
