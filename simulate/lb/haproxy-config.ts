/** How many servers the backend can hold at once: room for an old and a new stack side by side. */
export const SLOT_COUNT = 32;
export const LB_HTTP_PORT = 80;
export const LB_API_PORT = 9999;
export const BACKEND = 'app';

/**
 * HAProxy's configuration for one environment. Servers are fixed slots that start in maintenance;
 * kiln points them at instances and switches them through the runtime API, so cutover never reloads.
 */
export function haproxyConfig(options: { healthPath: string }): string {
  return `# written by kiln; the live server list is set through the runtime API
global
  stats socket ipv4@0.0.0.0:${LB_API_PORT} level admin
  maxconn 4096
  log stdout format raw local0 notice

defaults
  mode http
  log global
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 10s
  # A request that meets a closing or dead server goes to another one instead of failing.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend web
  bind :${LB_HTTP_PORT}
  default_backend ${BACKEND}

backend ${BACKEND}
  balance roundrobin
  option httpchk GET ${options.healthPath}
  http-check expect status 200
  default-server check inter 250ms fastinter 100ms downinter 250ms rise 1 fall 2
  server-template s 1-${SLOT_COUNT} 127.0.0.1:1 disabled
`;
}
