// tensorboard/summary/writer/event_file_writer.py and record_writer.py: Event protos framed as
// TFRecords (length, masked CRC-32C of the length, data, masked CRC-32C of the data) in a file
// named events.out.tfevents.<time>.<host>.<pid>.<uid><suffix>. Python queues the records for a
// writer thread; here they wait in memory and go to the file when `maxQueue` are pending, when
// `flushSecs` have passed, on flush() or close(), and at the latest when the process exits.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pb } from './proto';

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TensorFlow's masked CRC: rotate right by 15 bits and add a constant. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function tfRecord(data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeBigUInt64LE(BigInt(data.length));
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  header.copy(out, 0);
  out.writeUInt32LE(maskedCrc32c(header), 8);
  data.copy(out, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

/** The fields of tensorboard.Event this writer sets. */
export interface Event {
  wallTime: number;
  step?: number | bigint;
  fileVersion?: string;
  /** A serialized tensorboard.Summary. */
  summary?: Buffer;
  /** tensorboard.SessionLog's status (START is 1). */
  sessionLogStatus?: number;
  sourceWriter?: string;
}

export function encodeEvent(e: Event): Buffer {
  const w = pb().double(1, e.wallTime);
  if (e.step !== undefined) w.int(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion, true);
  w.message(5, e.summary);
  if (e.sessionLogStatus !== undefined) w.message(7, pb().int(1, e.sessionLogStatus).finish());
  if (e.sourceWriter !== undefined) w.message(10, pb().string(1, e.sourceWriter).finish());
  return w.finish();
}

let globalUid = 0;
const open = new Set<EventFileWriter>();
let exitHook = false;

export class EventFileWriter {
  private readonly logdir: string;
  private readonly fileName: string;
  private readonly maxQueue: number;
  private readonly flushMs: number;
  private fd: number;
  private closed = false;
  private pending: Buffer[] = [];
  private nextFlush: number;
  private readonly timer: NodeJS.Timeout;

  constructor(logdir: string, maxQueueSize = 10, flushSecs = 120, filenameSuffix = '') {
    this.logdir = logdir;
    fs.mkdirSync(logdir, { recursive: true });
    const seconds = String(Math.trunc(Date.now() / 1000)).padStart(10, '0');
    this.fileName = path.join(logdir, `events.out.tfevents.${seconds}.${os.hostname()}.${process.pid}.${globalUid++}`) + filenameSuffix;
    this.fd = fs.openSync(this.fileName, 'w');
    this.maxQueue = maxQueueSize;
    this.flushMs = flushSecs * 1000;
    this.nextFlush = Date.now() + this.flushMs;
    // Between training steps the event loop may be idle: write what waits then too.
    this.timer = setInterval(() => {
      if (Date.now() >= this.nextFlush) this.writePending();
    }, Math.min(Math.max(this.flushMs, 1), 2 ** 31 - 1));
    this.timer.unref();
    open.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const w of open) w.close();
      });
    }
    this.addEvent(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: 'brain.Event:2', sourceWriter: 'tensorboard.summary.writer.event_file_writer' }));
    this.flush();
  }

  getLogdir(): string {
    return this.logdir;
  }

  /** Queues one serialized tensorboard.Event. */
  addEvent(event: Buffer): void {
    if (this.closed) throw new Error('Writer is closed');
    this.pending.push(tfRecord(event));
    if (this.pending.length >= this.maxQueue || Date.now() >= this.nextFlush) this.writePending();
  }

  flush(): void {
    if (this.closed) throw new Error('Writer is closed');
    this.writePending();
  }

  close(): void {
    if (this.closed) return;
    this.writePending();
    this.closed = true;
    clearInterval(this.timer);
    fs.closeSync(this.fd);
    open.delete(this);
  }

  private writePending(): void {
    if (this.pending.length > 0) {
      const data = Buffer.concat(this.pending);
      this.pending = [];
      let off = 0;
      while (off < data.length) off += fs.writeSync(this.fd, data, off);
    }
    this.nextFlush = Date.now() + this.flushMs;
  }
}
