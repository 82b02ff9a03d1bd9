// Writes lib/core/notification/emoji-shortnames.json: every JoyPixels shortname (Rocket.Chat's emoji
// set), aliases and skin tones included, mapped to its emoji. Run: npx tsx scripts/generate-emoji.ts
// The runtime reads only the generated map, so emojibase-data stays out of the Lambda bundle.
import { writeFileSync } from 'node:fs';
import compact from 'emojibase-data/en/compact.json' with { type: 'json' };
import joypixels from 'emojibase-data/en/shortcodes/joypixels.json' with { type: 'json' };

const out = new URL('../lib/core/notification/emoji-shortnames.json', import.meta.url);

const emojiByHexcode = new Map<string, string>();
for (const emoji of compact) {
  emojiByHexcode.set(emoji.hexcode, emoji.unicode);
  for (const skin of emoji.skins ?? []) emojiByHexcode.set(skin.hexcode, skin.unicode);
}

// emojibase appends U+FE0F to every character that has a text variant, even where the character
// already defaults to emoji presentation (👍); drop it there so the output is the fully-qualified
// form JoyPixels (and so Rocket.Chat) emits.
const fullyQualified = (emoji: string) => emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1');

const map: Record<string, string> = {};
for (const [hexcode, names] of Object.entries(joypixels)) {
  const emoji = emojiByHexcode.get(hexcode);
  if (emoji === undefined) throw new Error(`no emoji for hexcode ${hexcode}`);
  for (const name of [names].flat()) map[name] = fullyQualified(emoji);
}

// One entry per line, sorted by name: lib/core/notification/emoji.ts binary-searches the file's bytes,
// which sort like the names only while the names are ASCII.
const nonAscii = Object.keys(map).filter((name) => !/^[\x20-\x7e]+$/.test(name) || JSON.stringify(name) !== `"${name}"`);
if (nonAscii.length > 0) throw new Error(`shortnames the table cannot hold: ${nonAscii.join(', ')}`);
const lines = Object.keys(map)
  .sort()
  .map((name) => `${JSON.stringify(name)}:${JSON.stringify(map[name])}`);
writeFileSync(out, `{\n${lines.join(',\n')}\n}\n`);
console.log(`${lines.length} shortnames written to ${out.pathname}`);
