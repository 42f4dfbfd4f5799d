// Files that hold credentials (the demo kubeconfig with its bearer token, cluster.json with Secret
// data) are private to the user and replaced in one step: a new file created 0600 next to the
// target, then renamed over it. An existing file's mode does not carry over, a reader never sees
// half a file, and nothing is written through a symbolic link (a planted /tmp/demo.kubeconfig
// link must not make us overwrite what it points at).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Creates `dir` (and its parents) private to the user when missing; an existing folder keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function writePrivateFileSync(path: string, data: string): void {
  let existing;
  try {
    existing = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing?.isSymbolicLink()) throw new Error(`${path} is a symbolic link; not writing credentials through it (remove it or choose another path)`);
  if (existing && !existing.isFile()) throw new Error(`${path} is not a regular file`);
  // 'wx' is O_CREAT|O_EXCL: it fails rather than follow a link or open a file someone else made.
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // rename replaces the directory entry: a link that appeared at `path` meanwhile is replaced, not followed.
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
