import { expect, test } from 'vitest';
import { progressLine, readPushStream, type PushMessage } from '../../bake/push/push-progress.js';
import { layerNames } from '../../bake/push/push-send.js';

// A push of an app-only change, as the engine streams it (trimmed).
const appOnly: PushMessage[] = [
  { status: 'The push refers to repository [127.0.0.1:5000/kiln/hello]' },
  { status: 'Preparing', id: 'aaaaaaaaaaaa' },
  { status: 'Preparing', id: 'bbbbbbbbbbbb' },
  { status: 'Preparing', id: 'cccccccccccc' },
  { status: 'Layer already exists', id: 'bbbbbbbbbbbb' },
  { status: 'Mounted from kiln-test/base', id: 'cccccccccccc' },
  { status: 'Pushing', id: 'aaaaaaaaaaaa', progressDetail: { current: 512, total: 2048 } },
  { status: 'Pushed', id: 'aaaaaaaaaaaa' },
  { status: 'abc: digest: sha256:1111 size: 1156' },
  { progressDetail: {}, aux: { Tag: 'abc', Digest: 'sha256:1111', Size: 1156 } },
];

test('readPushStream reads the digest from aux and what happened to each layer', () => {
  expect(readPushStream(appOnly)).toEqual({
    digest: 'sha256:1111',
    layers: [
      { id: 'aaaaaaaaaaaa', outcome: 'uploaded' },
      { id: 'bbbbbbbbbbbb', outcome: 'present' },
      { id: 'cccccccccccc', outcome: 'mounted' },
    ],
  });
});

test('an error in the stream wins over any digest, even though the HTTP status was 200', () => {
  const failed = readPushStream([...appOnly.slice(0, 3), { errorDetail: { message: 'dial tcp: connection refused' }, error: 'dial tcp: connection refused' }]);
  expect(failed).toEqual({ error: 'dial tcp: connection refused', layers: [] });
  expect(readPushStream([...appOnly, { error: 'late failure' }]).digest).toBeUndefined();
});

test('progressLine shows status changes and uploads in tenths, capped at 100%', () => {
  const shown = new Map<string, string>();
  const lines = [
    { status: 'Preparing', id: 'a' },
    { status: 'Preparing', id: 'a' },
    { status: 'Pushing', id: 'a', progressDetail: { current: 10, total: 100 } },
    { status: 'Pushing', id: 'a', progressDetail: { current: 15, total: 100 } },
    { status: 'Pushing', id: 'a', progressDetail: { current: 900, total: 100 } },
    { status: 'Pushed', id: 'a' },
    { progressDetail: {}, aux: { Digest: 'sha256:1' } },
  ].map((message) => progressLine(message, shown));
  expect(lines).toEqual(['a Preparing', undefined, 'a Pushing 10%', undefined, 'a Pushing 100%', 'a Pushed', undefined]);
});

test('layerNames names the last three layers os, packages, app and the rest base', () => {
  const names = layerNames(['sha256:' + '1'.repeat(64), 'sha256:' + '2'.repeat(64), 'sha256:' + '3'.repeat(64), 'sha256:' + '4'.repeat(64), 'sha256:' + '5'.repeat(64)]);
  expect([...names]).toEqual([['111111111111', 'base'], ['222222222222', 'base'], ['333333333333', 'os'], ['444444444444', 'packages'], ['555555555555', 'app']]);
});
