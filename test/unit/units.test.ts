import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { formatBytes, parseCount, parseDuration, parseSize } from '../../src/core/units.js';

describe('parseSize reads SPEC 2 sizes: SI units are powers of 1000, IEC units powers of 1024', () => {
  it.each([
    ['1048576', 1048576],
    ['0', 0],
    ['100MB', 100_000_000],
    ['1kB', 1000],
    ['1KB', 1000],
    ['1GB', 1_000_000_000],
    ['1KiB', 1024],
    ['1MiB', 1_048_576],
    ['1GiB', 1_073_741_824],
    ['1.5GB', 1_500_000_000],
    [' 10B ', 10],
  ])('%s is %d bytes', (input, expected) => {
    expect(parseSize(input)).toBe(expected);
  });

  it.each(['', 'abc', '-1MB', '1.5', '1 potato', 'MB', '1e3'])('rejects %j as a usage error', (input) => {
    expect(() => parseSize(input)).toThrow(UsageError);
  });
});

describe('parseDuration reads a bare number as seconds, and 90s/15m/1h', () => {
  it.each([
    ['900', 900],
    ['0', 0],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1.5h', 5400],
  ])('%s is %d seconds', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', 'abc', '-5m', '10ms', '1.5', 'm15'])('rejects %j as a usage error', (input) => {
    expect(() => parseDuration(input)).toThrow(UsageError);
  });
});

describe('parseCount', () => {
  it('accepts whole numbers within range and names the option otherwise', () => {
    expect(parseCount('8', '--concurrency', 1, 64)).toBe(8);
    expect(() => parseCount('0', '--concurrency', 1, 64)).toThrow(/--concurrency/);
    expect(() => parseCount('2.5', '--concurrency', 1, 64)).toThrow(UsageError);
    expect(() => parseCount('x', '--retries')).toThrow(UsageError);
  });
});

describe('formatBytes uses SI units like SPEC examples', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.00 kB'],
    [5_242_880, '5.24 MB'],
    [1_073_741_824, '1.07 GB'],
  ])('%d -> %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
