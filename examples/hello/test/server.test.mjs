import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
const { handle } = await import('../src/server.mjs');

test('health and version answer', async () => {
  const server = createServer(handle).listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    assert.equal((await fetch(`${base}/health`)).status, 200);
    const body = await (await fetch(`${base}/version`)).json();
    assert.equal(body.version, 'dev');
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    server.close();
  }
});
