import { StringDecoder } from 'node:string_decoder';

/** Longer lines are cut into pieces of this many characters so one line cannot grow without bound. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Every terminal control sequence, in the order they must be tried: CSI of every kind (colours,
 * cursor, private modes, sub-parameters); OSC, DCS, SOS, PM and APC strings up to BEL or ST, or to
 * the end of the line when cut off; escapes with intermediates (charset selection `ESC ( B`);
 * two-character escapes (RIS `ESC c`, keypad, cursor save); and the other C0 and C1 controls
 * (bell, backspace, shift out/in, delete). Tab, newline and carriage return are kept.
 */
const CONTROL = new RegExp(
  [
    String.raw`\u001b\[[0-?]*[ -/]*[@-~]`,
    String.raw`\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?`,
    String.raw`\u001b[ -/]*[0-~]?`,
    String.raw`[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]`,
  ].join('|'),
  'g',
);

/**
 * Whether text may hold a control sequence. Every sequence starts with ESC, and a lone bell or
 * backspace is the only other control real tools print; indexOf is many times quicker than a
 * character-class scan, and output speed depends on this check.
 */
function mayHoldControls(text: string): boolean {
  return text.indexOf('\u001b') !== -1 || text.indexOf('\u0007') !== -1 || text.indexOf('\b') !== -1;
}

/** Plain text: every terminal control sequence and control character removed. */
export function stripControls(text: string): string {
  return mayHoldControls(text) ? text.replace(CONTROL, '') : text;
}

/** Where to cut a long line: at `max`, or one earlier so a surrogate pair (an emoji) stays whole. */
function cutAt(text: string, max: number): number {
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** A `\r` progress line shows only its last state, as a terminal would. */
function collapseCarriageReturns(line: string): string {
  if (!line.includes('\r')) return line;
  const parts = line.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) {
    if (parts[i] !== '') return parts[i];
  }
  return '';
}

/** How a splitter keeps secrets whole: `mask` replaces them, `overlap` is the longest one's length. */
export interface LineMasking {
  mask(text: string): string;
  overlap: number;
}

/**
 * Turns a byte stream into text lines: partial lines are joined across chunks, `\r\n` and `\n`
 * end lines, invalid UTF-8 becomes U+FFFD, terminal control sequences are removed, and a line that never ends
 * is emitted in pieces of MAX_LINE_LENGTH.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /**
   * With `keepRaw`: after each push or end, the raw text (escapes and `\r` kept, as written) of
   * the returned lines whose clean text differs from it, by index; unset where they are the same.
   */
  raws: string[] = [];

  constructor(
    private readonly maxLineLength = MAX_LINE_LENGTH,
    /** Masks secrets in a line before it is cut, so no piece keeps part of one. */
    private readonly masking?: LineMasking,
    /** Keep each cleaned line's raw text in `raws`, for a terminal's replay. */
    private readonly keepRaw = false,
  ) {}

  /** The start of a line not finished yet, as written (a prompt waiting for input). */
  get pending(): string {
    return this.partial;
  }

  /** Returns the complete lines this chunk finished. */
  push(chunk: Buffer | string): string[] {
    return this.pushText(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** Like push, for text already decoded. */
  pushText(text: string): string[] {
    if (this.keepRaw && this.raws.length !== 0) this.raws = [];
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf('\n');
    if (newline !== -1 && this.partial !== '') {
      this.emit(this.partial + text.slice(0, newline), lines);
      this.partial = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    // Most output has no escapes and no carriage returns: one scan of the chunk for each spares
    // two scans of every line.
    const plain = text.indexOf('\r') === -1 && !mayHoldControls(text);
    while (newline !== -1) {
      if (plain && newline - start <= this.maxLineLength) lines.push(text.slice(start, newline));
      else this.emit(text.slice(start, newline), lines);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.partial += text.slice(start);
    if (this.partial.length > this.maxLineLength) {
      // A progress bar redraws with '\r': only its last state matters, so drop what came before
      // (a lone '\r' at the very end may be the first half of '\r\n' and stays).
      const cr = this.partial.lastIndexOf('\r', this.partial.length - 2);
      if (cr >= 0) this.partial = this.partial.slice(cr + 1);
    }
    // A piece is cut off only once the text after the cut holds the rest of any secret begun before it.
    const hold = this.maxLineLength + (this.masking?.overlap ?? 0);
    if (this.masking && this.partial.length > hold) this.partial = this.masking.mask(this.partial);
    while (this.partial.length > hold) {
      const cut = cutAt(this.partial, this.maxLineLength);
      this.pushClean(this.partial.slice(0, cut), lines);
      this.partial = this.partial.slice(cut);
    }
    return lines;
  }

  /** Returns whatever is left when the stream ends (a last line without a newline). */
  end(): string[] {
    if (this.keepRaw && this.raws.length !== 0) this.raws = [];
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    const lines: string[] = [];
    if (rest !== '') this.emit(rest, lines);
    return lines;
  }

  private emit(raw: string, into: string[]): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length <= this.maxLineLength) {
      this.pushClean(line, into);
      return;
    }
    let rest = collapseCarriageReturns(line);
    if (this.masking) rest = this.masking.mask(rest);
    while (rest.length > this.maxLineLength) {
      const cut = cutAt(rest, this.maxLineLength);
      into.push(stripControls(rest.slice(0, cut)));
      rest = rest.slice(cut);
    }
    into.push(stripControls(rest));
  }

  private pushClean(line: string, into: string[]): void {
    const clean = stripControls(collapseCarriageReturns(line));
    if (this.keepRaw && clean !== line) this.raws[into.length] = line;
    into.push(clean);
  }
}
