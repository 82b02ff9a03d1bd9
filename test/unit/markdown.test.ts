import { describe, it, expect } from 'vitest';
import { stripMarkdown } from '../../lib/notification/markdown';

describe('stripMarkdown', () => {
  it('leaves plain text untouched', () => {
    expect(stripMarkdown('Hello, world! 2 + 2 = 4 (really) #general @bob')).toBe(
      'Hello, world! 2 + 2 = 4 (really) #general @bob',
    );
    expect(stripMarkdown('')).toBe('');
  });

  describe('code', () => {
    it('keeps the inside of a fence and drops its language tag', () => {
      expect(stripMarkdown('```js\nconst a = 1;\n```')).toBe('const a = 1;');
      expect(stripMarkdown('before\n```\nline 1\nline 2\n```\nafter')).toBe('before\nline 1\nline 2\nafter');
      expect(stripMarkdown('```inline fence```')).toBe('inline fence');
    });

    it('unwraps inline code', () => {
      expect(stripMarkdown('run `npm test` now')).toBe('run npm test now');
      expect(stripMarkdown('`a` and `b`')).toBe('a and b');
    });

    it('keeps code verbatim, markdown included', () => {
      expect(stripMarkdown('`*not bold*` and *bold*')).toBe('*not bold* and bold');
      expect(stripMarkdown('```\n# not a heading\n> not a quote\n[a](https://x.org)\n```')).toBe(
        '# not a heading\n> not a quote\n[a](https://x.org)',
      );
      expect(stripMarkdown('*see `a*b`*')).toBe('see a*b');
    });

    it('survives text that uses the placeholder range', () => {
      expect(stripMarkdown('\uE000 `x` \uE001')).toBe('\uE000 x \uE001');
    });

    it('leaves unpaired backticks alone', () => {
      expect(stripMarkdown('a ` b')).toBe('a ` b');
      expect(stripMarkdown('```unclosed')).toBe('```unclosed');
      expect(stripMarkdown('``')).toBe('``');
    });
  });

  describe('emphasis', () => {
    it('removes bold, italic and strike markers, single or double', () => {
      expect(stripMarkdown('*bold* _italic_ ~strike~')).toBe('bold italic strike');
      expect(stripMarkdown('**bold** __italic__ ~~strike~~')).toBe('bold italic strike');
    });

    it('handles several spans, punctuation and brackets around them', () => {
      expect(stripMarkdown('say *hi*, _you_! (~old~) "*quoted*"')).toBe('say hi, you! (old) "quoted"');
      expect(stripMarkdown('*multi word bold*')).toBe('multi word bold');
    });

    it('handles nested markers', () => {
      expect(stripMarkdown('*_both_*')).toBe('both');
      expect(stripMarkdown('_*both*_')).toBe('both');
      expect(stripMarkdown('~*_all three_*~')).toBe('all three');
    });

    it('needs markers that hug non-space text', () => {
      expect(stripMarkdown('a * b * c')).toBe('a * b * c');
      expect(stripMarkdown('* not bold*')).toBe('* not bold*');
      expect(stripMarkdown('*not bold *')).toBe('*not bold *');
      expect(stripMarkdown('**')).toBe('**');
    });

    it('needs markers at word boundaries', () => {
      expect(stripMarkdown('snake_case_word')).toBe('snake_case_word');
      expect(stripMarkdown('2*3*4')).toBe('2*3*4');
      expect(stripMarkdown('*bold*s')).toBe('*bold*s');
      expect(stripMarkdown('_under_score')).toBe('_under_score');
      expect(stripMarkdown('~strike~d')).toBe('~strike~d');
      expect(stripMarkdown('https://x.org/_p_/a')).toBe('https://x.org/_p_/a');
      expect(stripMarkdown('about ~5 min or ~10')).toBe('about ~5 min or ~10');
      // markers glued to a word on their outer side only
      expect(stripMarkdown('x*y* z')).toBe('x*y* z');
      expect(stripMarkdown('my_var_ is set')).toBe('my_var_ is set');
      expect(stripMarkdown('a~b~ c')).toBe('a~b~ c');
      expect(stripMarkdown('https://x.org/*p*')).toBe('https://x.org/*p*');
    });

    it('needs matching marker counts and stays on one line', () => {
      expect(stripMarkdown('**half*')).toBe('**half*');
      expect(stripMarkdown('*line one\nline two*')).toBe('*line one\nline two*');
    });
  });

  describe('block markers', () => {
    it('removes headings at line start only', () => {
      expect(stripMarkdown('# Title')).toBe('Title');
      expect(stripMarkdown('intro\n###### Deep\ntext')).toBe('intro\nDeep\ntext');
      expect(stripMarkdown('####### seven')).toBe('####### seven');
      expect(stripMarkdown('#general is the room')).toBe('#general is the room');
      expect(stripMarkdown('not # a heading')).toBe('not # a heading');
      expect(stripMarkdown('# ')).toBe('# ');
    });

    it('removes quote markers at line start only', () => {
      expect(stripMarkdown('> quoted')).toBe('quoted');
      expect(stripMarkdown('>quoted\n> > nested\nplain > text')).toBe('quoted\nnested\nplain > text');
      expect(stripMarkdown('>>>\nblock\nquote\n<<<')).toBe('block\nquote');
      expect(stripMarkdown('>>> \r\nblock\r\n<<< ')).toBe('block');
    });

    it('strips markup inside quotes and headings', () => {
      expect(stripMarkdown('> # *Title*')).toBe('Title');
    });
  });

  describe('links', () => {
    it('keeps the text of [text](url) and ![alt](url)', () => {
      expect(stripMarkdown('see [the docs](https://docs.rocket.chat/a_b) now')).toBe('see the docs now');
      expect(stripMarkdown('![a cat](http://x.org/cat.png)')).toBe('a cat');
      expect(stripMarkdown('[*bold link*](https://x.org)')).toBe('bold link');
    });

    it('keeps the text of <url|text>', () => {
      expect(stripMarkdown('go <https://rocket.chat|to Rocket.Chat> please')).toBe('go to Rocket.Chat please');
    });

    it('leaves link-like text without a URL alone', () => {
      expect(stripMarkdown('[x](not a url)')).toBe('[x](not a url)');
      expect(stripMarkdown('[x]')).toBe('[x]');
      expect(stripMarkdown('a <b|c> d')).toBe('a <b|c> d');
    });
  });
});
