import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportError } from '../../lib/core/errors';
import { readExport, type ExportDocument } from '../../lib/import/export-reader';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-reader-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: string | Buffer): Promise<string> {
  const file = join(dir, `export-${++counter}.json`);
  await writeFile(file, content);
  return file;
}

async function read(content: string | Buffer, label = 'users.json'): Promise<ExportDocument[]> {
  const file = await fileWith(content);
  const docs: ExportDocument[] = [];
  for await (const doc of readExport(file, label)) docs.push(doc);
  return docs;
}

async function failure(content: string | Buffer, label = 'users.json'): Promise<ImportError> {
  try {
    await read(content, label);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return error as ImportError;
  }
  throw new Error('expected the export to be refused');
}

const lines = (docs: ExportDocument[]) => docs.map((doc) => doc.line);
const ids = (docs: ExportDocument[]) => docs.map((doc) => doc.doc._id);

describe('JSON lines (mongoexport default)', () => {
  it('reads one document a line, with its line number, converting Extended JSON', async () => {
    const docs = await read('{"_id":"a","ts":{"$date":"2021-10-22T14:29:23.581Z"}}\n{"_id":"b","n":{"$numberInt":"3"}}\n');
    expect(docs).toStrictEqual([
      { line: 1, doc: { _id: 'a', ts: '2021-10-22T14:29:23.581Z' } },
      { line: 2, doc: { _id: 'b', n: 3 } },
    ]);
  });

  it('skips blank lines but keeps counting them', async () => {
    const docs = await read('\n{"_id":"a"}\n\n   \n{"_id":"b"}\n\n');
    expect(ids(docs)).toEqual(['a', 'b']);
    expect(lines(docs)).toEqual([2, 5]);
  });

  it('reads CRLF line endings', async () => {
    const docs = await read('{"_id":"a","msg":"x"}\r\n{"_id":"b"}\r\n');
    expect(docs.map((d) => d.doc)).toStrictEqual([{ _id: 'a', msg: 'x' }, { _id: 'b' }]);
    expect(lines(docs)).toEqual([1, 2]);
  });

  it('reads a file that starts with a UTF-8 BOM', async () => {
    const docs = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"_id":"a"}\n{"_id":"b"}')]));
    expect(ids(docs)).toEqual(['a', 'b']);
  });

  it('reads a last line without newline, and an empty file as no documents', async () => {
    expect(ids(await read('{"_id":"a"}\n{"_id":"b"}'))).toEqual(['a', 'b']);
    expect(await read('')).toEqual([]);
    expect(await read('\n\n')).toEqual([]);
  });

  it('names file:line of a malformed line', async () => {
    const error = await failure('{"_id":"a"}\n\n{"_id": "b",\n{"_id":"c"}\n', 'rocketchat_room.json');
    expect(error.where).toBe('rocketchat_room.json:3');
    expect(error.message).toMatch(/^rocketchat_room\.json:3: malformed JSON/);
  });

  it('counts CRLF lines right in errors', async () => {
    expect((await failure('{"_id":"a"}\r\n\r\n{oops}\r\n')).where).toBe('users.json:3');
  });

  it('refuses a line that is not an object', async () => {
    expect((await failure('{"_id":"a"}\n42\n')).message).toBe('users.json:2: expected a JSON object (one document)');
    expect((await failure('{"_id":"a"}\nnull\n')).where).toBe('users.json:2');
    expect((await failure('{"_id":"a"}\n"text"\n')).where).toBe('users.json:2');
  });

  it('names file:line and the field path of a bad Extended JSON value', async () => {
    const error = await failure('{"_id":"a"}\n{"_id":"b","ts":{"$date":"not a date"}}\n');
    expect(error.message).toBe('users.json:2: invalid $date in ts');
  });

  it('uses the file path as label by default', async () => {
    const file = await fileWith('{broken\n');
    const iterate = async () => {
      for await (const _ of readExport(file)) void _;
    };
    await expect(iterate()).rejects.toThrow(`${file}:1:`);
  });
});

describe('--jsonArray', () => {
  it('reads an array on one line', async () => {
    const docs = await read('[{"_id":"a","n":{"$numberLong":"5"}},{"_id":"b"},{"_id":"c"}]');
    expect(docs.map((d) => d.doc)).toStrictEqual([{ _id: 'a', n: 5 }, { _id: 'b' }, { _id: 'c' }]);
    expect(lines(docs)).toEqual([1, 1, 1]);
  });

  it('reads a pretty multi-line array with the line each document starts on', async () => {
    const text = ['[{', '\t"_id": "a",', '\t"name": "vb"', '},', '{', '\t"_id": "b",', '\t"roles": [', '\t\t"user"', '\t]', '}]', ''].join('\n');
    const docs = await read(text);
    expect(docs.map((d) => d.doc)).toStrictEqual([
      { _id: 'a', name: 'vb' },
      { _id: 'b', roles: ['user'] },
    ]);
    expect(lines(docs)).toEqual([1, 5]);
  });

  it('reads an array with a BOM, leading blank lines, CRLF and spaces', async () => {
    const text = '\uFEFF\r\n\r\n  [\r\n  {"_id":"a"} ,\r\n  {"_id":"b"}\r\n  ]\r\n';
    const docs = await read(text);
    expect(ids(docs)).toEqual(['a', 'b']);
    expect(lines(docs)).toEqual([4, 5]);
  });

  it('reads an empty array as no documents', async () => {
    expect(await read('[]')).toEqual([]);
    expect(await read('[\n]\n')).toEqual([]);
  });

  it('ignores brackets, braces, commas and escaped quotes inside strings', async () => {
    const tricky = 'a ], b [ { } \\" , \\\\\\" ] still text'; // JSON text: a ], b [ { } \" , \\\" ] still text
    const docs = await read(`[{"_id":"a","msg":"${tricky}"},{"_id":"b","msg":"\\\\"}]`);
    expect(docs.map((d) => d.doc.msg)).toEqual(['a ], b [ { } " , \\" ] still text', '\\']);
    expect(ids(docs)).toEqual(['a', 'b']);
  });

  it('names file:line of a malformed element in a pretty array', async () => {
    const text = ['[', '{"_id":"a"},', '{"_id":"b"},', '{"_id": "c" "x": 1},', '{"_id":"d"}', ']'].join('\n');
    const error = await failure(text, 'rocketchat_message.json');
    expect(error.where).toBe('rocketchat_message.json:4');
    expect(error.message).toMatch(/^rocketchat_message\.json:4: malformed JSON/);
  });

  it('refuses a truncated array, naming its last line', async () => {
    const error = await failure('[\n{"_id":"a"},\n{"_id":"b"', 'users.json');
    expect(error.message).toBe('users.json:3: unexpected end of input: the array is not closed');
    expect((await failure('[{"_id":"a"},')).message).toMatch(/not closed/);
    expect((await failure('[{"_id":"a","msg":"unterminated')).message).toMatch(/not closed/);
  });

  it('refuses trailing garbage after the array', async () => {
    const error = await failure('[{"_id":"a"}]\n\nextra');
    expect(error.message).toBe('users.json:3: unexpected content after the closing ]');
    expect((await failure('[{"_id":"a"}]]')).where).toBe('users.json:1');
    expect((await failure('[{"_id":"a"}][{"_id":"b"}]')).message).toMatch(/after the closing \]/);
  });

  it('refuses an empty element and elements that are not objects', async () => {
    expect((await failure('[{"_id":"a"},,{"_id":"b"}]')).message).toBe('users.json:1: empty element in the array');
    expect((await failure('[{"_id":"a"},\n[1,2]\n]')).message).toBe('users.json:2: expected a JSON object (one document)');
    expect((await failure('[{"_id":"a"},\n7]')).where).toBe('users.json:2');
  });

  it('refuses unbalanced brackets', async () => {
    expect((await failure('[{"_id":"a"}}]')).message).toMatch(/^users\.json:1: /);
  });

  it('names file:line of a bad Extended JSON value inside an array', async () => {
    const error = await failure('[\n{"_id":"a"},\n{"_id":"b",\n "when":{"$date":{"$numberLong":"x"}}}\n]');
    expect(error.message).toBe('users.json:3: invalid $date in when');
  });
});

describe('positions in a pretty --jsonArray export (mongoexport --jsonArray --pretty)', () => {
  const pretty = (...docLines: string[]) => ['[', '  {', '    "_id": "a",', '    "msg": "x"', '  },', '  {', ...docLines, '  }', ']', ''].join('\n');

  it('names the line and column of a syntax error, not the line its document starts on', async () => {
    const error = await failure(pretty('    "_id": "b",', '    "msg": "y" "z": 1'), 'rocketchat_message.json');
    expect(error.message).toBe('rocketchat_message.json:8: malformed JSON (syntax error at column 16)');
  });

  it('counts columns in characters, not bytes', async () => {
    const error = await failure(pretty('    "_id": "b",', '    "msg": "ünïcødé", "n": tru'));
    expect(error.message).toBe('users.json:8: malformed JSON (syntax error at column 31)');
  });

  it('names the line of a document a mapping check refuses: the line it starts on', async () => {
    const docs = await read(pretty('    "_id": "b"'));
    expect(lines(docs)).toEqual([2, 6]);
  });
});

describe('errors never quote document content', () => {
  const SECRET = 'SuperSecretTokenValue0123456789';

  it.each([
    ['a malformed JSON line', `{"_id":"u1","services":{"resume":{"loginTokens":[{"token":"${SECRET}" "when":1}]}}}\n`],
    ['a truncated JSON line', `{"_id":"u1","token":"${SECRET}`],
    ['a bad token in a JSON line', `{"_id":"u1","hashedToken":${SECRET}}\n`],
    ['a malformed array element', `[{"_id":"u1","token":"${SECRET}",}]`],
    ['a truncated array', `[{"_id":"u1","token":"${SECRET}"`],
    ['garbage after an array', `[{"_id":"u1"}] ${SECRET}`],
    ['a bad Extended JSON value', `{"_id":"u1","when":{"$date":"${SECRET}"}}\n`],
    ['an unsupported Extended JSON type', `{"_id":"u1","token":{"$binary":"${SECRET}"}}\n`],
  ])('%s', async (_, content) => {
    const error = await failure(content);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(SECRET.slice(0, 8));
    expect(error.message).toMatch(/^users\.json:\d+: /);
  });
});
