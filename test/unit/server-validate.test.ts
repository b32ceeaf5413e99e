import { describe, expect, it } from 'vitest';
import { normalizeOrigin } from '../../src/server/cors.js';
import { contentTypeProblem } from '../../src/core/mime.js';

describe('contentType', () => {
  it.each([
    'application/pdf',
    'text/plain; charset=utf-8',
    'text/plain;charset=UTF-8',
    'application/vnd.api+json',
    'multipart/form-data; boundary="a b;c"',
    'image/svg+xml',
  ])('accepts %s', (value) => expect(contentTypeProblem(value)).toBeUndefined());

  it.each(['', 'pdf', 'text/', '/plain', 'text/plain;', 'text/plain; charset', 'text plain/x', 'text/plain\r\nX: y', 'text/plain; a="unterminated', `a/${'b'.repeat(300)}`])(
    'refuses %j',
    (value) => expect(contentTypeProblem(value)).toBeTypeOf('string'),
  );
});

describe('origins', () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['https://App.Example.com', undefined],
    ['https://app.example.com/path', undefined],
    ['ftp://example.com', undefined],
    ['*', undefined],
    ['example.com', undefined],
  ])('%s -> %s', (value, expected) => expect(normalizeOrigin(value)).toBe(expected));
});
