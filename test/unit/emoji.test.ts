import { describe, it, expect } from 'vitest';
import { shortnamesToUnicode } from '../../lib/core/notification/emoji';
import emojiByShortname from '../../lib/core/notification/emoji-shortnames.json';

describe('shortnamesToUnicode', () => {
  it('turns shortnames into emoji', () => {
    expect(shortnamesToUnicode(':smile:')).toBe('😄');
    expect(shortnamesToUnicode('hi :wave: there :smile:!')).toBe('hi 👋 there 😄!');
    expect(shortnamesToUnicode(':smile::smile:')).toBe('😄😄');
  });

  it('knows aliases, including ones with + and -', () => {
    expect(shortnamesToUnicode(':thumbsup: :+1: :thumbs_up: :-1:')).toBe('👍 👍 👍 👎');
    expect(shortnamesToUnicode(':100:')).toBe('💯');
  });

  it('knows skin tones, flags, keycaps and ZWJ sequences', () => {
    expect(shortnamesToUnicode(':thumbsup_tone3:')).toBe('\u{1F44D}\u{1F3FD}');
    expect(shortnamesToUnicode(':flag_us:')).toBe('\u{1F1FA}\u{1F1F8}');
    expect(shortnamesToUnicode(':hash:')).toBe('#\uFE0F\u20E3');
    expect(shortnamesToUnicode(':rainbow_flag:')).toBe('\u{1F3F3}\uFE0F\u200D\u{1F308}');
  });

  it('emits the fully-qualified form: FE0F only where the character needs it', () => {
    expect(shortnamesToUnicode(':thumbsup:')).toBe('\u{1F44D}');
    expect(shortnamesToUnicode(':heart:')).toBe('\u2764\uFE0F');
    expect(shortnamesToUnicode(':relaxed:')).toBe('\u263A\uFE0F');
  });

  it('leaves unknown or malformed shortnames as written', () => {
    expect(shortnamesToUnicode(':not_an_emoji:')).toBe(':not_an_emoji:');
    expect(shortnamesToUnicode(':SMILE:')).toBe(':SMILE:');
    expect(shortnamesToUnicode(':smile')).toBe(':smile');
    expect(shortnamesToUnicode(': smile :')).toBe(': smile :');
    expect(shortnamesToUnicode('::')).toBe('::');
    expect(shortnamesToUnicode('at 10:30:00')).toBe('at 10:30:00');
  });

  it('does not read Object.prototype', () => {
    expect(shortnamesToUnicode(':constructor: :toString: :__proto__:')).toBe(':constructor: :toString: :__proto__:');
  });

  it('misses names that sort before the first entry, after the last, or between two neighbours', () => {
    const names = Object.keys(emojiByShortname).sort();
    const [first, last] = [names[0]!, names[names.length - 1]!];
    for (const missing of ['+0', `${first.slice(0, -1)}`, `${last}z`, 'zzzzzzzz', 'thumbsup_tone6', 'smilf', 'smild', '_', '-']) {
      if (names.includes(missing)) continue;
      expect(shortnamesToUnicode(`:${missing}:`), missing).toBe(`:${missing}:`);
    }
    expect(shortnamesToUnicode(`:${first}: :${last}:`)).toBe(`${emojiByShortname[first as keyof typeof emojiByShortname]} ${emojiByShortname[last as keyof typeof emojiByShortname]}`);
  });

  it('finds a shortname right after an unknown one', () => {
    expect(shortnamesToUnicode(':nope:smile:')).toBe(':nope😄');
  });

  it('is repeatable (no regex state leaks between calls)', () => {
    expect(shortnamesToUnicode('x :smile:')).toBe('x 😄');
    expect(shortnamesToUnicode(':smile: y')).toBe('😄 y');
  });

  it('ships a map with every alias', () => {
    const map: Record<string, string> = emojiByShortname;
    expect(Object.keys(map).length).toBeGreaterThan(6000);
    expect(map['grinning']).toBe('😀');
    expect(map['thumbup']).toBe('👍');
  });

  it('finds every entry of the generated table (read in place: one entry per line, sorted by name)', () => {
    const map: Record<string, string> = emojiByShortname;
    const wrong = Object.entries(map).filter(([name, emoji]) => shortnamesToUnicode(`:${name}:`) !== emoji);
    expect(wrong).toEqual([]);
  });
});
