import type Docker from 'dockerode';
import { LineSplitter } from '../line-splitter.js';

/** Output of a running container, delivered line by line as it arrives. */
export interface AttachedOutput {
  /** The last lines of stdout and stderr together, for error messages. */
  tail(): string[];
  /** Resolves once the engine has closed the stream (after the container exits). */
  closed: Promise<void>;
}

/** Attach before start so no output is lost; stdout and stderr are split into lines separately. */
export async function attachLines(docker: Docker, container: Docker.Container, onLine: (line: string, stream: 'stdout' | 'stderr') => void): Promise<AttachedOutput> {
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
  };
  const out = new LineSplitter((line) => { keep(line); onLine(line, 'stdout'); });
  const err = new LineSplitter((line) => { keep(line); onLine(line, 'stderr'); });
  const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
  docker.modem.demuxStream(stream, out, err);
  const closed = new Promise<void>((done) => {
    const finish = () => {
      out.flushPartial();
      err.flushPartial();
      done();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  return { tail: () => [...recent], closed };
}

/** Remove a container whatever state it is in; a container that is already gone is fine. */
export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404 && (error as { statusCode?: number }).statusCode !== 409) throw error;
  }
}

/** Resolve after `ms`, or earlier when the promise settles; used so a lost stream never hangs kiln. */
export async function atMost(promise: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([promise, new Promise((done) => setTimeout(done, ms).unref())]);
}
