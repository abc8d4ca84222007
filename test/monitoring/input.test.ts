import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../src/monitoring/input/read-records.js';
import { RecordSplitter, type SplitterLimits } from '../../src/monitoring/input/record-splitter.js';

/** Splits `text` fed in pieces of `chunk` characters; returns records and problems with their lines. */
function split(text: string, chunk = text.length || 1, limits?: SplitterLimits) {
  const records: { value: unknown; line: number }[] = [];
  const problems: { line: number; message: string }[] = [];
  const s = new RecordSplitter({ record: (value, line) => records.push({ value, line }), problem: (line, message) => problems.push({ line, message }) }, limits);
  for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk));
  s.end();
  return { records, problems };
}

const small: SplitterLimits = { longLineChars: 64, maxRecordChars: 200 };

describe.each([1, 3, 7, 4096])('record splitter, fed %i characters at a time', (chunk) => {
  it('reads JSON Lines with blank lines, CRLF and a BOM, and a last line without a newline', () => {
    const { records, problems } = split('\uFEFF{"a":1}\r\n\n  \n{"a":2}\n{"a":3}', chunk);
    expect(records).toEqual([{ value: { a: 1 }, line: 1 }, { value: { a: 2 }, line: 4 }, { value: { a: 3 }, line: 5 }]);
    expect(problems).toEqual([]);
  });

  it('reports a broken line with its number and carries on', () => {
    const { records, problems } = split('{"a":1}\n{"a":\n{"a":3}\n', chunk);
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(problems).toEqual([{ line: 2, message: expect.stringMatching(/^not valid JSON/) }]);
  });

  it('streams a JSON array, on one line or pretty-printed, with strings holding brackets and quotes', () => {
    const one = split('[{"a":"x]}\\"{"},{"a":2} , {"a":[3,{"b":4}]}]', chunk);
    expect(one.records.map((r) => r.value)).toEqual([{ a: 'x]}"{' }, { a: 2 }, { a: [3, { b: 4 }] }]);
    const pretty = split('[\n  {\n    "a": 1\n  },\n  {\n    "a": 2\n  }\n]\n', chunk);
    expect(pretty.records).toEqual([{ value: { a: 1 }, line: 2 }, { value: { a: 2 }, line: 5 }]);
    expect(pretty.problems).toEqual([]);
  });

  it('unpacks API pages (items / value), pretty-printed or on one line', () => {
    const page = split('{\n  "kind": "admin#reports#activities",\n  "items": [\n    {"a": 1},\n    {"a": 2}\n  ],\n  "nextPageToken": "x"\n}\n', chunk);
    expect(page.records).toEqual([{ value: { a: 1 }, line: 4 }, { value: { a: 2 }, line: 5 }]);
    const graph = split('{"@odata.context":"x","value":[{"a":1}],"@odata.nextLink":"y"}\n{"value":[{"a":2}]}\n', chunk);
    expect(graph.records.map((r) => r.value)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reports a truncated document at the end of input', () => {
    const { records, problems } = split('[{"a":1},{"a":2', chunk);
    expect(records.map((r) => r.value)).toEqual([{ a: 1 }]);
    expect(problems).toEqual([{ line: 1, message: expect.stringMatching(/ends inside a JSON value/) }]);
  });

  it('reads nothing from an empty or blank input', () => {
    expect(split('', chunk)).toEqual({ records: [], problems: [] });
    expect(split('\n \n\t\n', chunk)).toEqual({ records: [], problems: [] });
    expect(split('[]', chunk)).toEqual({ records: [], problems: [] });
  });

  it('frames an over-long line without buffering it: an array streams, one huge record is skipped', () => {
    const arrayLine = `[${Array.from({ length: 20 }, (_, i) => `{"n":${i}}`).join(',')}]`;
    const huge = `{"blob":"${'x'.repeat(500)}"}`;
    const { records, problems } = split(`{"a":1}\n${arrayLine}\n${huge}\n{"a":2}\n`, chunk, small);
    expect(records.map((r) => r.value)).toEqual([{ a: 1 }, ...Array.from({ length: 20 }, (_, i) => ({ n: i })), { a: 2 }]);
    expect(records[1]?.line).toBe(2);
    expect(records.at(-1)?.line).toBe(4);
    expect(problems).toEqual([{ line: 3, message: expect.stringMatching(/larger than/) }]);
  });

  it('reports an over-long line that breaks off and resumes on the next line', () => {
    const { records, problems } = split(`{"a":1}\n[${'{"n":1},'.repeat(20)}{"n":\n{"a":2}\n`, chunk, small);
    expect(records.filter((r) => (r.value as { n?: number }).n === 1)).toHaveLength(20);
    expect(records.at(-1)).toEqual({ value: { a: 2 }, line: 3 });
    expect(problems).toEqual([{ line: 2, message: expect.stringMatching(/truncated or malformed/) }]);
  });
});

it('stops a structurally broken document with a clear message', () => {
  const { records, problems } = split('[{"a":1}]]\n{"a":2}');
  expect(records).toHaveLength(1);
  expect(problems).toEqual([{ line: 1, message: expect.stringMatching(/unexpected "\]".*rest of the input was not read/) }]);
});

describe.each([1, 5, 4096])('CSV exports, fed %i characters at a time', (chunk) => {
  async function read(text: string, limits?: SplitterLimits) {
    const records: { value: unknown; line: number }[] = [];
    const problems: { line: number; message: string }[] = [];
    const pieces = Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => text.slice(i * chunk, (i + 1) * chunk));
    const format = await readRecords(Readable.from(pieces), { record: (value, line) => records.push({ value, line }), problem: (line, message) => problems.push({ line, message }) }, limits);
    return { format, records, problems };
  }

  it('reads a Purview export whose AuditData holds quotes, commas and line breaks, with row line numbers', async () => {
    const audit = (id: string) => `"{""Id"":""${id}"",""Operation"":""Set-Mailbox"",""Note"":""a, b""}"`;
    const text = `\uFEFFCreationDate,UserIds,Operations,AuditData\r\n2026-03-02,a@b.c,Set-Mailbox,${audit('1')}\r\n2026-03-02,a@b.c,Op,"{\n""Id"": ""2""\n}"\r\n2026-03-02,a@b.c,Op,${audit('3')}`;
    const { format, records, problems } = await read(text);
    expect(format).toBe('purview-csv');
    expect(records).toEqual([
      { value: { Id: '1', Operation: 'Set-Mailbox', Note: 'a, b' }, line: 2 },
      { value: { Id: '2' }, line: 3 },
      { value: { Id: '3', Operation: 'Set-Mailbox', Note: 'a, b' }, line: 6 },
    ]);
    expect(problems).toEqual([]);
  });

  it('skips a row past the size limit and reads on', async () => {
    const text = `CreationDate,UserIds,Operations,AuditData\n2026-03-02,a@b.c,Op,"{""x"":""${'y'.repeat(300)}""}"\n2026-03-02,a@b.c,Op,"{}"\n`;
    const { records, problems } = await read(text, { longLineChars: 64, maxRecordChars: 200 });
    expect(records).toEqual([{ value: {}, line: 3 }]);
    expect(problems).toEqual([{ line: 2, message: 'row longer than 200 characters; skipped' }]);
  });

  it('keeps JSON Lines on the JSON reader', async () => {
    const { format, records } = await read('{"a":1}\n{"a":2}\n');
    expect(format).toBe('json');
    expect(records).toHaveLength(2);
  });
});
