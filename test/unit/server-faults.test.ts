import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { Faults, parseFault } from '../../src/server/faults.js';

describe('--fault specs', () => {
  it.each([
    ['put-status=503x2', { name: 'put-status', value: 503, remaining: 2 }],
    ['put-status=503:2', { name: 'put-status', value: 503, remaining: 2 }],
    ['put-status=500', { name: 'put-status', value: 500, remaining: 1 }],
    ['put-status=429x1,retry-after=1', { name: 'put-status', value: 429, remaining: 1, retryAfter: 1 }],
    ['put-reset-after=1048576x1', { name: 'put-reset-after', value: 1048576, remaining: 1 }],
    ['put-reset-after=1MiBx3', { name: 'put-reset-after', value: 1048576, remaining: 3 }],
    ['put-throttle=65536', { name: 'put-throttle', value: 65536, remaining: Number.POSITIVE_INFINITY }],
    ['put-delay=500x3', { name: 'put-delay', value: 500, remaining: 3 }],
    ['api-status=429x1,retry-after=2', { name: 'api-status', value: 429, remaining: 1, retryAfter: 2 }],
    ['webhook-drop', { name: 'webhook-drop', value: 0, remaining: 1 }],
    ['webhook-dropx2', { name: 'webhook-drop', value: 0, remaining: 2 }],
    ['webhook-delay=2000x1', { name: 'webhook-delay', value: 2000, remaining: 1 }],
    ['webhook-corrupt-sha256x1', { name: 'webhook-corrupt-sha256', value: 0, remaining: 1 }],
    ['webhook-corrupt-size:4', { name: 'webhook-corrupt-size', value: 0, remaining: 4 }],
  ])('%s', (spec, expected) => {
    expect(parseFault(spec)).toEqual(expected);
  });

  it.each([
    'explode',
    'put-status',
    'put-status=200',
    'put-status=abc',
    'put-status=503x',
    'put-throttle=0',
    'put-throttle=100x2',
    'webhook-drop=3',
    'put-status=503,bogus=1',
    'put-delay=5,retry-after=1',
  ])('refuses %s with a usage error', (spec) => {
    expect(() => parseFault(spec)).toThrow(UsageError);
  });

  it('spends counted faults and keeps lasting ones', () => {
    const faults = new Faults(['put-status=503x2', 'put-throttle=10']);
    expect(faults.take('put-status')?.value).toBe(503);
    expect(faults.take('put-status')?.value).toBe(503);
    expect(faults.take('put-status')).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(faults.take('put-throttle')?.value).toBe(10);
    expect(faults.take('webhook-drop')).toBeUndefined();
    expect(new Faults().enabled).toBe(false);
  });
});
