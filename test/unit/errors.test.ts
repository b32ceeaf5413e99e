import { describe, expect, it } from 'vitest';
import { apiError } from '../../src/core/api-errors.js';
import { ConfigError, NetworkError, RejectedError, UsageError, toFastupError } from '../../src/core/errors.js';
import { toNetworkError } from '../../src/core/net-errors.js';
import { redact, redactSecrets } from '../../src/core/redact.js';

describe('API answers map to the exit codes of SPEC 2.2', () => {
  it.each([
    [400, 'ValidationError', UsageError, 2],
    [401, 'Unauthorized', ConfigError, 3],
    [403, 'Forbidden', ConfigError, 3],
    [404, 'WorkspaceNotFound', ConfigError, 3],
    [409, 'Locked', RejectedError, 5],
    [413, 'PlanLimitExceeded', RejectedError, 5],
    [429, 'RateLimited', NetworkError, 6],
    [500, 'InternalError', NetworkError, 6],
    [503, 'Unavailable', NetworkError, 6],
  ])('%d %s', (status, code, type, exitCode) => {
    const err = apiError(status, { code, message: 'x' }, 'presign');
    expect(err).toBeInstanceOf(type);
    expect(err.exitCode).toBe(exitCode);
    expect(err.code).toBe(code);
    expect(err.hint).toBeTruthy();
  });
});

describe('network failures are told in the user\'s terms', () => {
  it.each([
    ['ECONNREFUSED', /connection refused/],
    ['ENOTFOUND', /host not found/],
    ['UND_ERR_CONNECT_TIMEOUT', /timed out/],
  ])('%s', (code, message) => {
    const err = toNetworkError(Object.assign(new Error('raw'), { code }), 'api.example');
    expect(err.exitCode).toBe(6);
    expect(err.message).toMatch(message);
    expect(err.message).toContain('api.example');
  });
  it('finds the code in a cause chain', () => {
    const inner = Object.assign(new Error('x'), { code: 'ECONNRESET' });
    expect(toNetworkError(new Error('fetch failed', { cause: inner }), 'h').code).toBe('ECONNRESET');
  });
});

describe('anything that is not a FastupError is a bug', () => {
  it('exits 1 and asks for a report', () => {
    const err = toFastupError(new TypeError('boom'));
    expect(err.exitCode).toBe(1);
    expect(err.hint).toMatch(/bug/);
  });
});

describe('redaction', () => {
  it('keeps the prefix and the last four characters', () => {
    expect(redact('fio_abcdefghijkl9f2c')).toBe('fio_…9f2c');
    expect(redact('short')).toBe('…');
  });
  it('removes every occurrence from a text', () => {
    expect(redactSecrets('key fio_abcdefghijkl9f2c and fio_abcdefghijkl9f2c', ['fio_abcdefghijkl9f2c'])).toBe(
      'key fio_…9f2c and fio_…9f2c',
    );
  });
});
