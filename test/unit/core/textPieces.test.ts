import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inPieces, PIECE_CHARS } from '../../../src/core/textPieces';
import { LineBatch } from '../../../src/platform/lineBatch';
import { OutputBuffer } from '../../../src/ui/outputBuffer';

test('pieces are the parts joined, cut only between parts, none past the size unless one part is', () => {
  let seed = 3;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 500; round++) {
    const size = 1 + random(40);
    const parts = Array.from({ length: random(12) }, (_, i) => String.fromCharCode(97 + i).repeat(random(3) === 0 ? random(80) : random(10)));
    const pieces = inPieces(parts, size);
    assert.equal(pieces.join(''), parts.join(''));
    // Each piece is whole parts: the parts' ends, in order, include every piece's end.
    const ends = new Set<number>([0]);
    parts.reduce((at, part) => (ends.add(at + part.length), at + part.length), 0);
    let at = 0;
    for (const piece of pieces) {
      at += piece.length;
      assert.ok(ends.has(at), `a piece ends inside a part (round ${round})`);
      if (piece.length > size) assert.ok(parts.includes(piece), `a piece of ${piece.length} past ${size} is more than one part`);
    }
    assert.ok(pieces.every((p) => p !== ''), 'no empty piece');
  }
  assert.deepEqual(inPieces([]), []);
});

test('a flood drained for its channel comes in pieces below the size, the same text as at once', () => {
  const line = 'x'.repeat(99);
  const make = () => {
    const buffer = new OutputBuffer();
    for (let read = 0; read < 20; read++) buffer.pushBatch(LineBatch.read('stdout', read, Array.from({ length: 400 }, () => line)));
    return buffer;
  };
  const pieces = make().drainPieces();
  assert.ok(pieces.length > 1, 'more than one piece');
  assert.ok(pieces.every((p) => p.length <= PIECE_CHARS), 'every piece within the size');
  assert.ok(pieces.every((p) => p.endsWith('\n')), 'whole lines');
  // 8,000 lines came, the newest 5,000 are shown after a note of the rest.
  const note = '[... 3000 lines not shown: the output came faster than the panel takes it ...]\n';
  assert.equal(pieces.join(''), note + `${line}\n`.repeat(5000));
  assert.equal(make().drain(), pieces.join(''));
});
