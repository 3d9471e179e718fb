/**
 * Positions in JSON text, for messages a user can act on. Only used on the
 * error path: valid files are parsed with JSON.parse alone.
 */
import type { ParseError } from "jsonc-parser";

/** jsonc-parser, loaded on the first error: a run of valid files never pays for it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonc = (): typeof import("jsonc-parser") => require("jsonc-parser") as typeof import("jsonc-parser");

export interface Position {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Splits a JSON pointer into segments (RFC 6901 unescaping). */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => {
      const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment;
    });
}

/** Where the value at `pointer` starts, or the deepest existing ancestor's start. */
export function locatePointer(text: string, pointer: string): Position | undefined {
  const { findNodeAtLocation, parseTree } = jsonc();
  const root = parseTree(text);
  if (root === undefined) return undefined;
  const segments = pointerSegments(pointer);
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(root, segments.slice(0, length));
    if (node === undefined) continue;
    // For an object member, point at its key, which is what the user reads first.
    const anchor = node.parent?.type === "property" ? node.parent : node;
    return positionAt(text, anchor.offset);
  }
  return undefined;
}

export interface SyntaxProblem extends Position {
  message: string;
}

/**
 * The first syntax error of invalid JSON, located, in words (e.g. "expected a
 * comma"). JSON.parse's own error is the fallback for the rare text jsonc-parser accepts.
 */
export function describeSyntaxError(text: string, parseError: unknown): SyntaxProblem {
  const { parse, printParseErrorCode } = jsonc();
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) {
    const message = parseError instanceof Error ? parseError.message : String(parseError);
    const position = /position (\d+)/.exec(message);
    return { ...positionAt(text, position ? Number(position[1]) : 0), message };
  }
  return { ...positionAt(text, first.offset), message: syntaxMessage(printParseErrorCode(first.error)) };
}

const SYNTAX_WORDS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' (or a closing bracket)",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected content after the JSON value",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string",
};

function syntaxMessage(code: string): string {
  return SYNTAX_WORDS[code] ?? code;
}
