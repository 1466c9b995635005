/**
 * What one piece of a long text handed on at once (to an output channel, a terminal) holds at
 * most, in UTF-16 units: below the size V8 keeps a string in its large-object space, which only
 * a full collection frees, so a flood's flushed texts are freed with the young generation.
 */
export const PIECE_CHARS = 64 * 1024;

/**
 * `parts` joined in order into pieces of at most `size` units, each part whole: a new piece
 * begins where the next part would take the current one past `size` (a part longer than that is
 * a piece of its own). Joined, the pieces are the parts joined; none is empty.
 */
export function inPieces(parts: readonly string[], size = PIECE_CHARS): string[] {
  const pieces: string[] = [];
  let from = 0;
  let length = 0;
  for (let i = 0; i < parts.length; i++) {
    if (length > 0 && length + parts[i].length > size) {
      pieces.push(parts.slice(from, i).join(''));
      from = i;
      length = 0;
    }
    length += parts[i].length;
  }
  if (length > 0) pieces.push(parts.slice(from).join(''));
  return pieces;
}
