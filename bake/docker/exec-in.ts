import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run argv inside a running container and collect its output. */
export async function execIn(docker: Docker, container: Docker.Container, cmd: string[], env: string[] = []): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (chunk: Buffer) => out.push(chunk));
  const stderr = new PassThrough().on('data', (chunk: Buffer) => err.push(chunk));
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((done) => {
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** Split a raw HTTP/1.x response into status and body. */
export function parseHttpResponse(raw: string): { status: number; body: string } | undefined {
  const match = /^HTTP\/\d\.\d (\d{3})/.exec(raw);
  if (!match) return undefined;
  // The blank line after the headers; bare \n too, in case a transport (SSM's output capture) dropped the \r.
  const split = /\r?\n\r?\n/.exec(raw);
  return { status: Number(match[1]), body: split ? raw.slice(split.index + split[0].length) : '' };
}
