import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * The floor `lantern scan` is measured against: read a file in 64 KB chunks (as the scan does), split lines,
 * `JSON.parse` each, nothing else. Importable, and runnable on its own (`node dist/bench/scan-floor.js FILE`)
 * so the bench can time it as a process of its own, exactly as it times the scan.
 */
export async function readAndParse(file: string): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      if (nl > start) {
        JSON.parse(text.slice(start, nl));
        lines++;
      }
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  return lines;
}

if (process.argv[1]?.endsWith('scan-floor.js') && process.argv[2]) {
  const lines = await readAndParse(process.argv[2]);
  process.stderr.write(`Parsed ${lines} line(s).\n`);
}
