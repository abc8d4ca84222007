import { StringDecoder } from 'node:string_decoder';
import { RecordSplitter, type RecordSink, type SplitterLimits, DEFAULT_LIMITS } from './record-splitter.js';

/**
 * Streams a byte source (file, stdin) through a RecordSplitter: constant memory whatever the input size.
 * Resolves when the input is exhausted; a read error rejects.
 */
export async function readRecords(input: AsyncIterable<Buffer | string>, sink: RecordSink, limits: SplitterLimits = DEFAULT_LIMITS): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const splitter = new RecordSplitter(sink, limits);
  for await (const chunk of input) splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  const tail = decoder.end();
  if (tail) splitter.push(tail);
  splitter.end();
}
