import type { ParseError } from 'jsonc-parser/lib/esm/main.js';
import { jsonc } from './jsonc';
import { positionAt } from './locate';

/** The first place where a settings file stops being JSONC, as the editor reads it. */
export interface JsonSyntaxError {
  offset: number;
  length: number;
  /** Zero-based, as positions are; a message adds one. */
  line: number;
  character: number;
  /** The parser's name for it: `CommaExpected`, `CloseBraceExpected`, ... */
  code: string;
}

/**
 * The first syntax error of a settings file's text, allowing comments and trailing commas as
 * VS Code does; undefined when it parses (an empty file counts as `{}`).
 */
export function findSyntaxError(text: string): JsonSyntaxError | undefined {
  if (text.trim() === '') return undefined;
  const errors: ParseError[] = [];
  jsonc().parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const first = errors[0];
  if (!first) return undefined;
  const { line, character } = positionAt(text, first.offset);
  return { offset: first.offset, length: first.length, line, character, code: jsonc().printParseErrorCode(first.error) };
}

/** `settings.json has a syntax error (line 7)`: what the view, the Problems panel and the notification say. */
export function syntaxErrorMessage(fileName: string, error: JsonSyntaxError): string {
  return `${fileName} has a syntax error (line ${error.line + 1}); the last definitions read from it are kept until it is fixed.`;
}
