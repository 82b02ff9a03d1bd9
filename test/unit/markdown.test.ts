/**
 * Rocket.Chat's notification markdown filter (`filtered.ts`), one test per rule in its order, then
 * how the rules meet. Expected texts are what Rocket.Chat's filter gives for the same input.
 */
import { describe, it, expect } from 'vitest';
import { stripMarkdown } from '../../lib/core/notification/markdown';

describe('stripMarkdown', () => {
  it('leaves plain text untouched', () => {
    expect(stripMarkdown('Hello, world! 2 + 2 = 4 (really) #general @bob :smile:')).toBe('Hello, world! 2 + 2 = 4 (really) #general @bob :smile:');
    expect(stripMarkdown('')).toBe('');
  });

  it('rule 1: every triple backtick goes; the language word and the newlines stay', () => {
    expect(stripMarkdown('```js\nconst a = 1;\n```')).toBe('js\nconst a = 1;\n');
    expect(stripMarkdown('```inline fence```')).toBe('inline fence');
    expect(stripMarkdown('```unclosed')).toBe('unclosed');
    expect(stripMarkdown('````')).toBe('`');
  });

  it('rule 2: inline code on one line loses its backticks', () => {
    expect(stripMarkdown('run `npm test` now')).toBe('run npm test now');
    expect(stripMarkdown('`a` and `b`')).toBe('a and b');
    expect(stripMarkdown('a `b\nc` d')).toBe('a `b\nc` d');
    expect(stripMarkdown('a ` b')).toBe('a ` b');
  });

  it('rule 3: [text](url) and ![alt](url) become the text, for http and https links only', () => {
    expect(stripMarkdown('see [docs](https://docs.example.com/a?b=c) now')).toBe('see docs now');
    expect(stripMarkdown('![cat](http://x.example.com/cat.png)')).toBe('cat');
    expect(stripMarkdown('[multi\nline](https://x.org)')).toBe('multi\nline');
    expect(stripMarkdown('[x](ftp://host/f)')).toBe('[x](ftp://host/f)');
    expect(stripMarkdown('[x](HTTPS://A.B)')).toBe('[x](HTTPS://A.B)');
    expect(stripMarkdown('[x](/relative)')).toBe('[x](/relative)');
  });

  it('rule 4: <url|text> becomes the text, HTML-escaped brackets too', () => {
    expect(stripMarkdown('<https://a.b|one> and <http://c.d|two>')).toBe('one and two');
    expect(stripMarkdown('&lt;https://x.example.com|site&gt;')).toBe('site');
    expect(stripMarkdown('<mailto:a@b|mail>')).toBe('<mailto:a@b|mail>');
    expect(stripMarkdown('<https://x.org>')).toBe('<https://x.org>');
  });

  it('rule 5: headings of one to four # and one space at a line start lose the marker', () => {
    expect(stripMarkdown('# a')).toBe('a');
    expect(stripMarkdown('#### d e')).toBe('d e');
    expect(stripMarkdown('intro\n## Heads up')).toBe('intro\nHeads up');
    expect(stripMarkdown('##### e')).toBe('##### e');
    expect(stripMarkdown('#channel')).toBe('#channel');
    expect(stripMarkdown('#  two spaces')).toBe('#  two spaces');
    expect(stripMarkdown('x # y')).toBe('x # y');
    expect(stripMarkdown('\t# tab')).toBe('\t# tab');
  });

  it('rule 6: bold *…* / **…** on one line, even around spaces, after a line start, space, >, `, _ or ~', () => {
    expect(stripMarkdown('hello *team*')).toBe('hello team');
    expect(stripMarkdown('**bold**')).toBe('bold');
    expect(stripMarkdown('a * b * c')).toBe('a  b  c');
    expect(stripMarkdown('*a**')).toBe('a');
    expect(stripMarkdown('2*3*4')).toBe('2*3*4');
    expect(stripMarkdown('x*y* z')).toBe('x*y* z');
    expect(stripMarkdown('*a\nb*')).toBe('*a\nb*');
    // the character after the closing marker belongs to the match, so the next pair cannot start there
    expect(stripMarkdown('*a*_*b*')).toBe('a_*b*');
  });

  it('rule 7: italics _…_ / __…__, after a line start, space, >, `, * or ~', () => {
    expect(stripMarkdown('so _new_')).toBe('so new');
    expect(stripMarkdown('__a__')).toBe('a');
    expect(stripMarkdown('_a_b')).toBe('ab');
    expect(stripMarkdown('snake_case_word')).toBe('snake_case_word');
    expect(stripMarkdown('https://x.org/_p_/')).toBe('https://x.org/_p_/');
  });

  it('rule 8: strike-through ~…~ / ~~…~~, after a line start, space, >, `, _ or *', () => {
    expect(stripMarkdown('~old~ price')).toBe('old price');
    expect(stripMarkdown('~~x~~')).toBe('x');
    expect(stripMarkdown('a~b~')).toBe('a~b~');
  });

  it('rule 9: >>> block quotes lose their markers and the newlines next to them, anywhere', () => {
    expect(stripMarkdown('>>>\nquoted\ntext\n<<<')).toBe('quoted\ntext');
    expect(stripMarkdown('x >>>\n\nq\n\n<<< y')).toBe('x q y');
    expect(stripMarkdown('x >>>no newline<<<')).toBe('x >>>no newline<<<');
  });

  it('rule 10: one > goes at the start of every line; the space after it stays', () => {
    expect(stripMarkdown('> quoted')).toBe(' quoted');
    expect(stripMarkdown('>> two')).toBe('> two');
    expect(stripMarkdown('line1\r\n>line2\n>line3')).toBe('line1\r\nline2\nline3');
    expect(stripMarkdown(' > no')).toBe(' > no');
  });

  describe('the rules in order', () => {
    it('code is not protected: markdown inside backticks is filtered after them', () => {
      expect(stripMarkdown('`*a*` b')).toBe('a b');
      expect(stripMarkdown('```\n# not a heading\n```')).toBe('\nnot a heading\n');
    });

    it('a quote marker is still there when emphasis runs, and counts as its opening neighbour', () => {
      expect(stripMarkdown('>*a*')).toBe('a');
      expect(stripMarkdown('> *a*')).toBe(' a');
    });

    it('nested emphasis of different markers', () => {
      expect(stripMarkdown('_*nested*_')).toBe('nested');
    });

    it('a message with every rule', () => {
      expect(stripMarkdown('# Heads up\n> quoted\n~old~ _new_ [docs](https://docs.example.com) <https://x.example.com|site> `npm test`')).toBe('Heads up\n quoted\nold new docs site npm test');
    });
  });
});
