// Glob patterns as the `watch` field writes them: `*` and `?` within a path segment, `**` for
// any number of segments, `{a,b}` alternatives and `[abc]` classes. Paths use `/`.

const SPECIAL = /[*?[\]{}]/;

/** The glob has a wildcard, a class or alternatives: it is not a plain path. */
export function isGlob(text: string): boolean {
  return SPECIAL.test(text);
}

/**
 * The leading segments of a glob that hold no wildcard (the folder to watch), and the rest:
 * `/ws/src/**\/*.ts` gives `/ws/src` and `**\/*.ts`. A plain path is all base.
 */
export function splitGlob(glob: string): { base: string; pattern: string } {
  const segments = glob.split('/');
  const first = segments.findIndex(isGlob);
  if (first < 0) return { base: glob, pattern: '' };
  const base = segments.slice(0, first).join('/');
  return { base: base === '' && glob.startsWith('/') ? '/' : base, pattern: segments.slice(first).join('/') };
}

/** A regular-expression source for a glob, without anchors. */
export function globSource(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      let stars = 1;
      while (glob[i + 1] === '*') {
        i++;
        stars++;
      }
      const segmentStart = i - stars < 0 || glob[i - stars] === '/';
      const segmentEnd = i + 1 >= glob.length || glob[i + 1] === '/';
      if (stars > 1 && segmentStart && segmentEnd) {
        // `**/` may match no folder at all; a trailing `**` matches everything below.
        if (glob[i + 1] === '/') {
          out += '(?:[^/]*/)*';
          i++;
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out + ')'.repeat(braces);
}

/** Matches a whole path against a glob; a plain path also matches everything below it. */
export function globMatcher(glob: string): RegExp {
  const trimmed = glob.length > 1 ? glob.replace(/\/+$/, '') : glob;
  return isGlob(trimmed) ? new RegExp(`^${globSource(trimmed)}$`) : new RegExp(`^${globSource(trimmed)}(?:/.*)?$`);
}
