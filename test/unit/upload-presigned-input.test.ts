import { describe, expect, it } from 'vitest';
import { parsePresignedInput } from '../../src/core/presigned-input.js';

const url = 'http://127.0.0.1:9/v1/direct/x?sig=1';

describe('parsePresignedInput (upload --presigned)', () => {
  it.each([
    ['a bare URL', url, { method: 'PUT', headers: {}, path: '/v1/direct/x?sig=1' }],
    ['a bare URL with a newline after it', `${url}\n`, { method: 'PUT' }],
    ['a JSON string', JSON.stringify(url), { method: 'PUT' }],
    ['only uploadUrl', JSON.stringify({ uploadUrl: url }), { method: 'PUT', headers: {} }],
    [
      'the full presign answer with path',
      JSON.stringify({ uploadUrl: url, method: 'put', headers: { 'Content-Type': 'text/plain', 'X-Amz-Signature': 'ab' }, expiresAt: '2030-01-01T00:00:00Z', path: '/a.txt' }),
      { method: 'PUT', headers: { 'Content-Type': 'text/plain', 'X-Amz-Signature': 'ab' }, expiresAtMs: Date.parse('2030-01-01T00:00:00Z'), remotePath: '/a.txt' },
    ],
  ])('accepts %s', async (_name, text, expected) => {
    expect(await parsePresignedInput(text)).toMatchObject(expected);
  });

  it.each([
    ['empty input', ''],
    ['not JSON', '{"uploadUrl": '],
    ['no uploadUrl', '{"method":"PUT"}'],
    ['uploadUrl not a string', '{"uploadUrl": 5}'],
    ['headers not an object of strings', JSON.stringify({ uploadUrl: url, headers: { 'X-A': 1 } })],
    ['a non-http uploadUrl', JSON.stringify({ uploadUrl: 'file:///etc/passwd' })],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a header value with CR/LF', JSON.stringify({ uploadUrl: url, headers: { 'X-A': 'a\r\nAuthorization: Bearer x' } })],
    ['a header value with NUL', JSON.stringify({ uploadUrl: url, headers: { 'X-A': 'a\u0000b' } })],
    ['a header name with a space', JSON.stringify({ uploadUrl: url, headers: { 'X A': 'b' } })],
    ['an Authorization header', JSON.stringify({ uploadUrl: url, headers: { Authorization: 'Bearer k' } })],
    ['a Transfer-Encoding header', JSON.stringify({ uploadUrl: url, headers: { 'Transfer-Encoding': 'chunked' } })],
    ['an Expect header', JSON.stringify({ uploadUrl: url, headers: { Expect: '100-continue' } })],
    ['a Content-Length header', JSON.stringify({ uploadUrl: url, headers: { 'Content-Length': '5' } })],
    ['two Content-Type headers', JSON.stringify({ uploadUrl: url, headers: { 'Content-Type': 'a/b', 'content-type': 'c/d' } })],
    ['a GET method', JSON.stringify({ uploadUrl: url, method: 'GET' })],
    ['a bad expiresAt', JSON.stringify({ uploadUrl: url, expiresAt: 'soon' })],
    ['user info in the URL', JSON.stringify({ uploadUrl: 'http://u:p@h/x' })],
    ['two words', 'http://a/ http://b/'],
  ])('refuses %s with exit 2', async (_name, text) => {
    await expect(parsePresignedInput(text)).rejects.toMatchObject({ exitCode: 2 });
  });
});
