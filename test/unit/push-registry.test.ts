import { describe, expect, test } from 'vitest';
import { ExternalError, UserError } from '../../bake/errors.js';
import { explainRegistryError } from '../../bake/push/registry-errors.js';
import { isLoopback, parseRegistry, pushRepository, registryOfImage } from '../../bake/push/registry-ref.js';

describe('parseRegistry', () => {
  test.each([
    ['127.0.0.1:5000', { host: '127.0.0.1:5000', path: '' }],
    ['127.0.0.1:5000/', { host: '127.0.0.1:5000', path: '' }],
    ['localhost:5000/team/ci', { host: 'localhost:5000', path: 'team/ci' }],
    ['registry.example.test', { host: 'registry.example.test', path: '' }],
    ['[::1]:5000', { host: '[::1]:5000', path: '' }],
  ])('%s', (to, expected) => {
    expect(parseRegistry(to)).toEqual(expected);
  });

  test.each([
    [undefined, /needs a registry/],
    ['', /needs a registry/],
    ['http://127.0.0.1:5000', /without a scheme/],
    ['myteam', /not a registry address/],
    ['127.0.0.1:5000/Team', /"Team" is not a valid repository path part/],
    ['127.0.0.1:5000/app:v1', /"app:v1" is not a valid/],
  ])('refuses %j as a user error', (to, message) => {
    const error = (() => { try { parseRegistry(to); } catch (caught) { return caught; } })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
  });

  test('the scheme hint gives the address to use instead', () => {
    expect(() => parseRegistry('https://127.0.0.1:5000')).toThrow(expect.objectContaining({ hint: 'kiln push --to 127.0.0.1:5000' }));
  });
});

test('pushRepository puts the local repository under the registry and its path', () => {
  expect(pushRepository({ host: '127.0.0.1:5000', path: '' }, 'kiln/hello')).toBe('127.0.0.1:5000/kiln/hello');
  expect(pushRepository({ host: '127.0.0.1:5000', path: 'team' }, 'kiln/hello')).toBe('127.0.0.1:5000/team/kiln/hello');
});

test('isLoopback and registryOfImage follow docker\'s naming', () => {
  expect(isLoopback({ host: '127.0.0.1:5000', path: '' })).toBe(true);
  expect(isLoopback({ host: 'localhost', path: '' })).toBe(true);
  expect(isLoopback({ host: '127.0.0.1.example.test:5000', path: '' })).toBe(false);
  expect(registryOfImage('127.0.0.1:5000/kiln-test/base:x')).toEqual({ host: '127.0.0.1:5000', path: '' });
  expect(registryOfImage('debian:bookworm-slim')).toBeUndefined();
  expect(registryOfImage('library/debian:bookworm')).toBeUndefined();
});

describe('explainRegistryError', () => {
  const local = { host: '127.0.0.1:5000', path: '' };
  const refused = new Error('(HTTP code 500) server error - Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused');

  test('an unreachable loopback registry is a user error naming it and the script that starts it', () => {
    const error = explainRegistryError(refused, local, 'pushing x') as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^the registry 127\.0\.0\.1:5000 does not answer while pushing x: Get/);
    expect(error.hint).toMatch(/^start it: `bash scripts\/start-registry\.sh`/);
    expect(error.cause).toBe(refused);
  });

  test('another loopback port gets the address to start the script with', () => {
    expect((explainRegistryError(refused, { host: '127.0.0.1:5999', path: '' }, 'pushing x') as UserError).hint).toContain('KILN_REGISTRY_ADDR=127.0.0.1:5999 bash scripts/start-registry.sh');
  });

  test('a missing manifest is a user error; anything else stays an external failure', () => {
    expect(explainRegistryError(new Error('(HTTP code 404) unexpected - manifest for a:b not found: manifest unknown'), local, 'pulling a:b')).toBeInstanceOf(UserError);
    const other = explainRegistryError(new Error('blob upload invalid'), local, 'pushing x');
    expect(other).toBeInstanceOf(ExternalError);
    expect(other.message).toBe('docker failed while pushing x to 127.0.0.1:5000: blob upload invalid');
  });
});
