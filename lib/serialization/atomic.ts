// Atomic file replacement for torch.save and saveSafetensors: the data goes to a temporary file
// in the target's folder, is flushed to disk (fsync), and is renamed over the target, so that a
// crash or an error at any point leaves either the previous file or the new one, never a mix.
//
// Temporary files are named `.<target name>.<pid>.<12 hex digits>.tmp` next to the target. An
// error removes its own; a process killed mid-write (SIGKILL, power loss) leaves one behind,
// which the next save of the same target removes once the process that made it is gone.
//
// The temporary file is an implementation detail: every error names the path the caller gave.
// atomicWriteAsync does the same with fs.promises, off the event loop (torch.saveAsync).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The temporary files among `names` left by earlier saves of `base` whose process has died. */
function staleTemporaries(names: string[], base: string): string[] {
  const pattern = new RegExp(`^\\.${escapeRegExp(base)}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
  return names.filter((name) => {
    const m = pattern.exec(name);
    if (m === null) return false;
    const pid = Number(m[1]);
    return pid !== process.pid && !alive(pid);
  });
}

/** Removes temporary files of earlier saves of `base` in `dir` whose process has died. */
function removeStaleTemporaries(dir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of staleTemporaries(names, base)) {
    try {
      fs.unlinkSync(path.join(dir, name));
    } catch {
      // another process removed it first
    }
  }
}

/** The temporary name a save of `target` by this process uses. */
function temporaryName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

/**
 * PyTorchStreamWriter's check (caffe2/serialize/inline_container.cc), with its message: the
 * folder before the last '/' (or '\\') of the path as given must be an existing directory.
 */
function parentOf(target: string): string | null {
  let end = target.lastIndexOf('/');
  if (end < 0) end = target.lastIndexOf('\\');
  return end <= 0 ? null : target.slice(0, end);
}

function checkParent(target: string): void {
  const dir = parentOf(target);
  if (dir === null) return;
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    // missing, or not reachable: PyTorch says the same
  }
  if (!isDir) throw new Error(`Parent directory ${dir} does not exist.`);
}

/**
 * A file-system error about the temporary file, retold about `target` as Node would tell it
 * (`EACCES: permission denied, open 'out.pth'`), with the same code, errno and syscall.
 */
function aboutTarget(e: unknown, target: string, tmp: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string' || typeof err.syscall !== 'string' || (err.path !== tmp && (err as { dest?: string }).dest !== tmp)) return e;
  const known = typeof err.errno === 'number' ? util.getSystemErrorMap().get(err.errno) : undefined;
  const description = known?.[1] ?? err.message.slice(err.code.length + 2).split(`, ${err.syscall}`)[0];
  const out = new Error(`${err.code}: ${description}, ${err.syscall} '${target}'`) as NodeJS.ErrnoException;
  Object.assign(out, { code: err.code, errno: err.errno, syscall: err.syscall, path: target });
  return out;
}

/** Writes a file atomically: `write(fd)` fills a temporary file, which then replaces `target`. */
export function atomicWrite(target: string, write: (fd: number) => void): void {
  checkParent(target);
  let dest = path.resolve(target);
  let mode = 0o666;
  let existing = false;
  try {
    // Replace what a symlink points at, as writing through it would; keep the file's mode.
    dest = fs.realpathSync(dest);
    mode = fs.statSync(dest).mode & 0o7777;
    existing = true;
  } catch {
    // a new file
  }
  const dir = path.dirname(dest);
  removeStaleTemporaries(dir, path.basename(dest));
  const tmp = temporaryName(dest);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
  } catch (e) {
    throw aboutTarget(e, target, tmp);
  }
  let done = false;
  try {
    if (existing) fs.fchmodSync(fd, mode);
    write(fd);
    fs.fsyncSync(fd);
    done = true;
  } finally {
    fs.closeSync(fd);
    if (!done) fs.rmSync(tmp, { force: true });
  }
  try {
    fs.renameSync(tmp, dest);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw aboutTarget(e, target, tmp);
  }
  // The rename itself reaches the disk when the folder is flushed.
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // folders cannot be opened for fsync on every platform
  }
}

/** Writes `chunks` in order from the start of the file, finishing short writes. */
async function writeAll(fh: fs.promises.FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  let pos = 0;
  for (let i = 0; i < chunks.length; i += 1024) {
    const batch = chunks.slice(i, i + 1024) as Uint8Array[]; // writev takes up to IOV_MAX buffers
    let { bytesWritten } = await fh.writev(batch, pos);
    pos += bytesWritten;
    for (const c of batch) {
      if (bytesWritten >= c.length) {
        bytesWritten -= c.length;
        continue;
      }
      for (let off = bytesWritten; off < c.length; ) {
        const r = await fh.write(c, off, c.length - off, pos);
        off += r.bytesWritten;
        pos += r.bytesWritten;
      }
      bytesWritten = 0;
    }
  }
}

/** atomicWrite with fs.promises: `chunks` (bytes already in memory) fill a temporary file, which then replaces `target`. */
export async function atomicWriteAsync(target: string, chunks: readonly Uint8Array[]): Promise<void> {
  const parent = parentOf(target);
  if (parent !== null) {
    const isDir = await fs.promises.stat(parent).then((st) => st.isDirectory(), () => false);
    if (!isDir) throw new Error(`Parent directory ${parent} does not exist.`);
  }
  let dest = path.resolve(target);
  let mode = 0o666;
  let existing = false;
  try {
    dest = await fs.promises.realpath(dest);
    mode = (await fs.promises.stat(dest)).mode & 0o7777;
    existing = true;
  } catch {
    // a new file
  }
  const dir = path.dirname(dest);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  await Promise.all(staleTemporaries(names, path.basename(dest)).map((name) => fs.promises.unlink(path.join(dir, name)).catch(() => undefined)));
  const tmp = temporaryName(dest);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(tmp, 'wx', mode);
  } catch (e) {
    throw aboutTarget(e, target, tmp);
  }
  let done = false;
  try {
    if (existing) await fh.chmod(mode);
    await writeAll(fh, chunks);
    await fh.sync();
    done = true;
  } catch (e) {
    throw aboutTarget(e, target, tmp);
  } finally {
    await fh.close();
    if (!done) await fs.promises.rm(tmp, { force: true });
  }
  try {
    await fs.promises.rename(tmp, dest);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw aboutTarget(e, target, tmp);
  }
  try {
    const dh = await fs.promises.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // folders cannot be opened for fsync on every platform
  }
}
