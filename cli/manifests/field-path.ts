/**
 * Field paths as the validator writes them (`spec.data[2].remoteRef.key`, `labels["a.b/c"]`,
 * `(root)`) turned into the segments needed to find the YAML node they point at.
 */
export type PathSegment = string | number;

const SEGMENT = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

export function parseFieldPath(path: string): PathSegment[] {
  if (path === '' || path === '(root)') return [];
  const segments: PathSegment[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < path.length) {
    const at = SEGMENT.lastIndex;
    const match = SEGMENT.exec(path);
    if (!match) {
      // Not a path we understand: keep what was read, the caller falls back to the deepest node found.
      segments.push(path.slice(at));
      break;
    }
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
  }
  return segments;
}
