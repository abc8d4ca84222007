import { crc32, deflateRawSync } from 'node:zlib';

/** One file to put in a zip archive. */
export interface ZipEntry {
  /** The path inside the archive, with forward slashes. */
  name: string;
  data: Buffer;
}

const STORE = 0;
const DEFLATE = 8;
const UTF8_NAMES = 0x0800;
// 1980-01-01 00:00, the earliest MS-DOS time: the default stamp keeps an archive byte-for-byte reproducible.
const DOS_EPOCH = new Date(Date.UTC(1980, 0, 1));

/** MS-DOS date and time fields (local time in the format; written as UTC). */
function dosTime(at: Date): { time: number; date: number } {
  const when = at.getTime() < DOS_EPOCH.getTime() ? DOS_EPOCH : at;
  return {
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2),
    date: ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
  };
}

/**
 * Builds a zip archive (PKWARE APPNOTE, no zip64) holding `entries`, each deflated unless storing is smaller,
 * with UTF-8 names. Every file carries the `modified` stamp (default 1980-01-01, so the same files give the
 * same bytes). For the Teams app package and the inspection pack; not for archives over 4 GiB or 65,535 files.
 */
export function createZip(entries: readonly ZipEntry[], modified: Date = DOS_EPOCH): Buffer {
  if (entries.length > 0xffff) throw new RangeError('createZip: more than 65,535 entries needs zip64, which this writer does not do');
  const { time, date } = dosTime(modified);
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

    // The local header and the central directory record share this run of fields, at different offsets.
    const fields = (header: Buffer, at: number): Buffer => {
      header.writeUInt16LE(version, at); // version needed to extract
      header.writeUInt16LE(UTF8_NAMES, at + 2);
      header.writeUInt16LE(method, at + 4);
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(date, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(body.length, at + 14);
      header.writeUInt32LE(entry.data.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
      return header; // extra field length (and, centrally, comment, disk, attributes) stay 0
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    locals.push(fields(local, 4), name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(version, 4); // version made by (MS-DOS attributes)
    fields(central, 6).writeUInt32LE(offset, 42);
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
