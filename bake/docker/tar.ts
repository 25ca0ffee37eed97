import { createReadStream } from 'node:fs';
import { pack as createPack } from 'tar-stream';
import type { Readable } from 'node:stream';

/** One entry for a tar stream sent to the engine. */
export type TarEntry = (
  | { name: string; mode?: number; content: string | Buffer }
  | { name: string; mode: number; file: string; size: number }
  | { name: string; link: string }
) & { mtime?: Date };

/** Stream entries as a tar archive (for putArchive and build contexts); files are streamed, not buffered. */
export function packTar(entries: readonly TarEntry[]): Readable {
  const pack = createPack();
  void (async () => {
    try {
      for (const entry of entries) {
        if ('link' in entry) {
          pack.entry({ name: entry.name, type: 'symlink', linkname: entry.link, mtime: entry.mtime });
        } else if ('content' in entry) {
          pack.entry({ name: entry.name, mode: entry.mode ?? 0o644, mtime: entry.mtime }, entry.content);
        } else {
          await new Promise<void>((done, fail) => {
            const sink = pack.entry({ name: entry.name, mode: entry.mode, size: entry.size, mtime: entry.mtime }, (error) => (error ? fail(error) : done()));
            createReadStream(entry.file).on('error', fail).pipe(sink);
          });
        }
      }
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
    }
  })();
  return pack as unknown as Readable;
}
