import { LineCounter, parseDocument } from 'yaml';

/** Finds the line of a config path in YAML text: the key's own line, or the nearest enclosing one present. */
export type LineFinder = (path: readonly PropertyKey[]) => number | undefined;

/** A line finder over YAML text (one that finds nothing when the text does not parse). */
export function yamlLineFinder(text: string): LineFinder {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) return () => undefined;
  return (path) => {
    // A missing key has no node: report the mapping that should hold it.
    for (let depth = path.length; depth > 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
}
