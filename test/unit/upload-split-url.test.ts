import { describe, expect, it } from 'vitest';
import { splitUploadUrl } from '../../src/core/transfer/split-url.js';

describe('splitUploadUrl keeps the request-target byte for byte (SPEC 1.2)', () => {
  it.each([
    ['https://upload.fast.io/v1/direct/abc', 'https://upload.fast.io', '/v1/direct/abc'],
    ['http://127.0.0.1:8420/a%2e%2e/b?x=1', 'http://127.0.0.1:8420', '/a%2e%2e/b?x=1'],
    ['http://h/a\\b/../c', 'http://h', '/a\\b/../c'],
    ['http://h/p%2B+~%20?q=%2B+~%20&s=a/b', 'http://h', '/p%2B+~%20?q=%2B+~%20&s=a/b'],
    ['http://h/./x//y', 'http://h', '/./x//y'],
    ['HTTPS://Host.Example:443/x', 'https://Host.Example:443', '/x'],
    ['http://h', 'http://h', '/'],
    ['http://h?x=1', 'http://h', '/?x=1'],
    ['http://h/x#frag?not-sent', 'http://h', '/x'],
    ['http://[::1]:9000/x', 'http://[::1]:9000', '/x'],
  ])('%s -> %s + %s', (url, origin, path) => {
    expect(splitUploadUrl(url)).toMatchObject({ origin, path });
  });

  it.each([
    ['ftp://h/x', 'absolute http'],
    ['file:///etc/passwd', 'absolute http'],
    ['/relative/path', 'absolute http'],
    ['http://user:pass@h/x', 'user name'],
    ['http://h@evil/x', 'user name'],
    ['http://h/a b', 'percent-encoded'],
    ['http://h/x\r\nX-Evil: 1', 'percent-encoded'],
    ['http://h/caf\u00e9', 'percent-encoded'],
    ['http://h:99999/x', 'port'],
    ['http:///x', 'host'],
  ])('refuses %s', (url, why) => {
    expect(() => splitUploadUrl(url)).toThrow(why);
    try {
      splitUploadUrl(url);
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
