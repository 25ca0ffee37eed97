// The example web role: answers /health, /version and /, and drains connections on SIGTERM.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

// version.json is written by build.mjs; running from src/ (the tests) reports "dev".
const version = readVersion();
const port = Number(process.env.PORT ?? 8080);
const instance = process.env.KILN_INSTANCE_ID ?? 'unknown';
const role = process.env.KILN_ROLE ?? 'web';

function readVersion() {
  try {
    return JSON.parse(readFileSync(new URL('./version.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'dev';
  }
}

export function handle(request, response) {
  const send = (status, body, type = 'application/json') => {
    response.writeHead(status, { 'content-type': type });
    response.end(type === 'application/json' ? `${JSON.stringify(body)}\n` : body);
  };
  if (request.url === '/health') return send(200, { status: 'ok' });
  if (request.url === '/version') return send(200, { version, instance, role });
  if (request.url === '/') return send(200, `hello from ${instance} (version ${version})\n`, 'text/plain');
  return send(404, { error: 'not found' });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const server = createServer(handle);
  server.keepAliveTimeout = 5000;
  server.listen(port, () => console.log(`hello ${version} listening on :${port} as ${instance}`));
  // Finish in-flight requests, then exit: the load balancer has already stopped sending new ones.
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections?.();
  });
}
