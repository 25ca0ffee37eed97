import { connect } from 'node:net';
import { ExternalError } from '../../bake/errors.js';

/** Send commands to HAProxy's runtime API (published on 127.0.0.1) and return its answer. */
export function haproxyApi(port: number, commands: readonly string[]): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(`${commands.join('; ')}\n`));
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => fail(new ExternalError(`the load balancer's runtime API on 127.0.0.1:${port} failed: ${error.message}`, commands.join('; '), { cause: error, hint: 'is the load balancer container running? kiln status shows it' })));
    socket.on('close', () => done(Buffer.concat(chunks).toString('utf8')));
  });
}

/** One server's state from `show servers state`. */
export interface ServerState {
  name: string;
  address: string;
  /** 2 means the health check passes (UP). */
  operational: number;
  admin: number;
  /** 3 means the last health check passed. */
  checkResult: number;
  /** Seconds since the server last changed state. */
  sinceChange: number;
}

export function parseServersState(text: string): ServerState[] {
  return text.split('\n').filter((line) => /^\d/.test(line)).map((line) => {
    const fields = line.split(' ');
    return { name: fields[3]!, address: fields[4]!, operational: Number(fields[5]), admin: Number(fields[6]), checkResult: Number(fields[11]), sinceChange: Number(fields[9]) };
  });
}
