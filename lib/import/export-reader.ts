/**
 * Reads one `mongoexport` file: one document a line, or a single `--jsonArray` array (pretty or
 * not). Both are streamed, so memory does not grow with the file: lines through `readline`, the
 * array through a streaming JSON parser (`@streamparser/json`), a document at a time. Each document
 * comes with the line it starts on, so every error can name `file:line`; syntax errors also name
 * the column.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { JSONParser, TokenParserError, TokenizerError, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { EjsonError, fromExtendedJson, type Json } from '../ejson';
import { ImportError } from '../core/errors';

export interface ExportDocument {
  line: number;
  doc: { [key: string]: Json };
}

export async function* readExport(file: string, label = file): AsyncGenerator<ExportDocument> {
  if (await startsWithArray(file)) {
    yield* readArray(file, label);
  } else {
    yield* readLines(file, label);
  }
}

const BOM = /^\uFEFF/;

async function startsWithArray(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(BOM, '').trimStart().startsWith('[');
  } finally {
    await handle.close();
  }
}

async function* readLines(file: string, label: string): AsyncGenerator<ExportDocument> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const source = line === 1 ? text.replace(BOM, '') : text;
    if (source.trim() !== '') {
      yield { line, doc: toDocument(parseLine(source, `${label}:${line}`), `${label}:${line}`) };
    }
  }
}

function parseLine(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportError(where, `malformed JSON (${describeJsonError(error)})`);
  }
}

/** JSON.parse's message without the excerpt of the input it may quote (input can hold secrets). */
function describeJsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (/Unexpected end of JSON input/.test(message)) {
    return 'unexpected end of input';
  }
  return position ? `syntax error at column ${Number(position[1]) + 1}` : 'syntax error';
}

function toDocument(raw: unknown, where: string): ExportDocument['doc'] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ImportError(where, 'expected a JSON object (one document)');
  }
  try {
    return fromExtendedJson(raw) as ExportDocument['doc'];
  } catch (error) {
    if (error instanceof EjsonError) {
      throw new ImportError(where, error.message);
    }
    throw error;
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The elements of the top-level array, parsed one chunk (64 KB) at a time: only the documents the
 * current chunk completes are held. Tokens tell where each element starts; their byte offsets are
 * turned into lines and columns as the stream passes.
 */
async function* readArray(file: string, label: string): AsyncGenerator<ExportDocument> {
  const positions = new StreamPositions();
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  const completed: { line: number; value: unknown }[] = [];
  const startLines: number[] = [];
  let depth = 0;
  let previous: TokenType | undefined;
  let current: ParsedTokenInfo | undefined;
  let failure: ImportError | undefined;
  parser.onToken = (token) => {
    previous = current?.token;
    current = token;
    if (depth === 1 && token.token !== TokenType.COMMA && token.token !== TokenType.RIGHT_BRACKET) {
      startLines.push(positions.at(token.offset).line);
    }
    if (token.token === TokenType.LEFT_BRACE || token.token === TokenType.LEFT_BRACKET) depth++;
    else if (token.token === TokenType.RIGHT_BRACE || token.token === TokenType.RIGHT_BRACKET) depth--;
  };
  parser.onValue = ({ value }) => {
    completed.push({ line: startLines.shift() ?? positions.line, value });
  };
  parser.onError = (error) => {
    failure ??= describeArrayError(error, label, positions, current, previous);
  };
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let bytes: Uint8Array = chunk;
    if (first && UTF8_BOM.every((byte, i) => chunk[i] === byte)) {
      bytes = chunk.subarray(UTF8_BOM.length);
    }
    first = false;
    positions.feed(bytes);
    parser.write(bytes);
    if (failure) throw failure;
    for (const { line, value } of completed.splice(0)) {
      yield { line, doc: toDocument(value, `${label}:${line}`) };
    }
  }
  if (!parser.isEnded) {
    positions.toEnd();
    parser.end();
  }
  if (failure) throw failure;
  for (const { line, value } of completed.splice(0)) {
    yield { line, doc: toDocument(value, `${label}:${line}`) };
  }
}

/** The import's own wording for the parser's errors, which quote the offending token (maybe a secret). */
function describeArrayError(error: Error, label: string, positions: StreamPositions, token: ParsedTokenInfo | undefined, previous: TokenType | undefined): ImportError {
  if (positions.atEnd) {
    return new ImportError(`${label}:${positions.line}`, 'unexpected end of input: the array is not closed');
  }
  if (error instanceof TokenizerError) {
    const offset = /absolute position "(\d+)"/.exec(error.message);
    const { line, column } = offset ? positions.at(Number(offset[1])) : positions;
    if (/in state ENDED$/.test(error.message)) {
      return new ImportError(`${label}:${line}`, 'unexpected content after the closing ]');
    }
    return new ImportError(`${label}:${line}`, `malformed JSON (syntax error at column ${column})`);
  }
  const { line, column } = token ? positions.at(token.offset) : positions;
  if (error instanceof TokenParserError && previous === TokenType.COMMA && (token?.token === TokenType.COMMA || token?.token === TokenType.RIGHT_BRACKET)) {
    return new ImportError(`${label}:${line}`, 'empty element in the array');
  }
  return new ImportError(`${label}:${line}`, `malformed JSON (syntax error at column ${column})`);
}

/** Bytes of an unfinished token kept for exact positions; past this, positions fall back to the chunk. */
const MAX_KEPT_BYTES = 1024 * 1024;

/**
 * Turns the stream's byte offsets into 1-based lines and columns (in characters), counting each
 * byte once, in order. Bytes not yet counted are kept until a later offset asks for them.
 */
class StreamPositions {
  line = 1;
  column = 1;
  atEnd = false;
  private buffer: Uint8Array = new Uint8Array(0);
  /** Stream offset of buffer[0]. */
  private base = 0;
  /** Bytes of buffer already counted. */
  private counted = 0;

  feed(chunk: Uint8Array): void {
    if (this.buffer.length - this.counted > MAX_KEPT_BYTES) {
      this.at(this.base + this.buffer.length);
    }
    const rest = this.buffer.subarray(this.counted);
    this.base += this.counted;
    this.buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    this.counted = 0;
  }

  /** Counts every byte fed so far: the position is now the end of the input. */
  toEnd(): void {
    this.at(this.base + this.buffer.length);
    this.atEnd = true;
  }

  /** The position of the byte at `offset`; an offset already passed answers the current position. */
  at(offset: number): { line: number; column: number } {
    const end = Math.min(offset - this.base, this.buffer.length);
    const buffer = this.buffer;
    let { line, column } = this;
    for (let i = this.counted; i < end; i++) {
      const byte = buffer[i]!;
      if (byte === 0x0a) {
        line++;
        column = 1;
      } else if ((byte & 0xc0) !== 0x80) {
        column++; // a UTF-8 continuation byte is no new character
      }
    }
    if (end > this.counted) {
      this.counted = end;
      this.line = line;
      this.column = column;
    }
    return { line: this.line, column: this.column };
  }
}
