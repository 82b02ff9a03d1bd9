/**
 * Reads one `mongoexport` file: one document a line, or a single `--jsonArray` array (pretty or
 * not). Each document comes with the line it starts on, so every error can name `file:line`.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { EjsonError, fromExtendedJson, type Json } from '../ejson';
import { ImportError } from '../errors';

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

async function startsWithArray(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('[');
  } finally {
    await handle.close();
  }
}

async function* readLines(file: string, label: string): AsyncGenerator<ExportDocument> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const source = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (source.trim() !== '') {
      yield { line, doc: parseDocument(source, `${label}:${line}`) };
    }
  }
}

async function* readArray(file: string, label: string): AsyncGenerator<ExportDocument> {
  const { readFile } = await import('node:fs/promises');
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  for (const element of splitJsonArray(text, label)) {
    yield { line: element.line, doc: parseDocument(element.text, `${label}:${element.line}`) };
  }
}

function parseDocument(text: string, where: string): ExportDocument['doc'] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ImportError(where, `malformed JSON (${describeJsonError(error)})`);
  }
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

/** JSON.parse's message without the excerpt of the input it may quote (input can hold secrets). */
function describeJsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (/Unexpected end of JSON input/.test(message)) {
    return 'unexpected end of input';
  }
  return position ? `syntax error at column ${Number(position[1]) + 1}` : 'syntax error';
}

/**
 * Splits the top level of a JSON array into its elements' texts and start lines, without parsing
 * them: strings, escapes and nesting are tracked so commas and brackets inside values are ignored.
 */
export function splitJsonArray(text: string, label: string): { text: string; line: number }[] {
  const elements: { text: string; line: number }[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let startLine = 0;
  let closed = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') {
      line++;
    }
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (closed) {
      if (!/\s/.test(char!)) {
        throw new ImportError(`${label}:${line}`, 'unexpected content after the closing ]');
      }
      continue;
    }
    if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      depth++;
    } else if (char === ']' || char === '}') {
      depth--;
    }
    if (depth === 0 && char === ']') {
      pushElement(elements, text, start, i, startLine);
      closed = true;
      continue;
    }
    if (depth === 1 && char === ',') {
      if (!pushElement(elements, text, start, i, startLine)) {
        throw new ImportError(`${label}:${line}`, 'empty element in the array');
      }
      start = -1;
      continue;
    }
    if (depth >= 1 && start === -1 && !(depth === 1 && (char === '[' || /\s/.test(char!)))) {
      start = i;
      startLine = line;
    }
    if (depth < 0) {
      throw new ImportError(`${label}:${line}`, 'unbalanced brackets');
    }
  }
  if (!closed) {
    throw new ImportError(`${label}:${line}`, 'unexpected end of input: the array is not closed');
  }
  return elements;
}

function pushElement(elements: { text: string; line: number }[], text: string, start: number, end: number, line: number): boolean {
  if (start === -1) {
    return false;
  }
  elements.push({ text: text.slice(start, end), line });
  return true;
}
