import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  ok: number;
  /** Non-2xx answers, by status. */
  bad: Record<string, number>;
  /** Requests that got no answer at all (reset, refused, timeout). */
  errors: number;
  /** The first few failures, for a readable assertion message. */
  samples: string[];
  seconds: number;
}

/**
 * Keep `connections` keep-alive connections busy against a 127.0.0.1 URL until stopped; counts every
 * answer. Used by tests and benchmarks to prove a cutover drops nothing.
 */
export function startLoad(url: string, connections = 20): { stop(): Promise<LoadResult> } {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') throw new Error('load only ever goes to 127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const result: LoadResult = { requests: 0, ok: 0, bad: {}, errors: 0, samples: [], seconds: 0 };
  const started = performance.now();
  let running = true;
  const note = (what: string) => {
    if (result.samples.length < 10) result.samples.push(what);
  };
  const one = () =>
    new Promise<void>((done) => {
      const call = request(target, { agent, timeout: 10_000 }, (response) => {
        response.resume();
        response.on('end', () => {
          result.requests++;
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) result.ok++;
          else {
            result.bad[status] = (result.bad[status] ?? 0) + 1;
            note(`HTTP ${status}`);
          }
          done();
        });
      });
      call.on('timeout', () => call.destroy(new Error('timeout')));
      call.on('error', (error) => {
        result.requests++;
        result.errors++;
        note(error.message);
        done();
      });
      call.end();
    });
  const workers = Array.from({ length: connections }, async () => {
    while (running) await one();
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      result.seconds = (performance.now() - started) / 1000;
      return result;
    },
  };
}
