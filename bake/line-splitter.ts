import { Writable } from 'node:stream';

/** A writable that calls `onLine` per complete line and keeps the last few lines for error messages. */
export class LineSplitter extends Writable {
  private partial = '';
  readonly tail: string[] = [];

  constructor(private readonly onLine: (line: string) => void, private readonly keep = 30) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const lines = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    lines.forEach((line) => this.push1(line));
    done();
  }

  override _final(done: () => void): void {
    this.flushPartial();
    done();
  }

  /** Emit whatever is buffered without waiting for a newline. */
  flushPartial(): void {
    if (this.partial) this.push1(this.partial);
    this.partial = '';
  }

  private push1(line: string): void {
    this.tail.push(line);
    if (this.tail.length > this.keep) this.tail.shift();
    this.onLine(line);
  }
}
