import { crc32, deflateRawSync } from 'node:zlib';

/** One file to put in a zip archive. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes (Teams wants manifest.json at the root). */
  name: string;
  data: Buffer;
}

// 1980-01-01 00:00:00, the earliest MS-DOS time: a fixed stamp keeps the archive byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1; // year 1980 + 0, month 1, day 1
const STORE = 0;
const DEFLATE = 8;
const UTF8_NAMES = 0x0800;

/**
 * Builds a zip archive (PKWARE APPNOTE, no zip64) holding `entries`, each deflated unless storing is smaller.
 * Enough for a Teams app package; not meant for archives over 4 GiB or 65,535 entries.
 */
export function createZip(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > 0xffff) throw new RangeError('createZip: more than 65,535 entries needs zip64, which this writer does not do');
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    if (entry.data.length > 0xfffffffe) throw new RangeError(`createZip: ${entry.name} is too large for a zip without zip64`);
    const deflated = deflateRawSync(entry.data, { level: 9 });
    const method = deflated.length < entry.data.length ? DEFLATE : STORE;
    const body = method === DEFLATE ? deflated : entry.data;
    const crc = crc32(entry.data);
    const version = method === DEFLATE ? 20 : 10;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(version, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(version, 4); // version made by (MS-DOS attributes)
    central.writeUInt16LE(version, 6); // version needed to extract
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal and external attributes stay 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  if (offset > 0xffffffff) throw new RangeError('createZip: archive over 4 GiB needs zip64, which this writer does not do');
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
