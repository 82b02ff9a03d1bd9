// Rocket.Chat removes markdown from push texts (its "filtered" parser); these are the same rules,
// except that code is kept verbatim instead of having its inside filtered too.

const fence = /```(?:[\w+#.-]*[ \t]*\n)?([\s\S]*?)\n?```/g; // a lone word after ``` is the language
const inlineCode = /`([^`\r\n]+)`/g;
const link = /!?\[([^\]\r\n]+)\]\([a-z][\w+.-]*:\/\/[^\s)]+\)/gi;
const slackLink = /<[a-z][\w+.-]*:\/\/[^|>\s]+\|([^>\r\n]+)>/gi;
const blockQuote = /^>>>[ \t]*\r?\n([\s\S]*?)\r?\n<<<[ \t]*$/gm;
const quote = /^(?:>[ \t]?)+/gm;
const heading = /^#{1,6}[ \t]+(?=\S)/gm; // `#channel` has no space, so it stays

// Emphasis, as in Rocket.Chat's parser: one or two markers hugging non-space text on one line.
// The opening marker must follow a line start, a space, an opening bracket or quote, or another
// kind of marker (`_*nested*_`); the closing one must not touch a letter or digit. So
// `snake_case_word`, `2*3*4`, `a * b * c` and `https://x.org/_p_/` are left alone.
const emphasis = [
  /(?<=^|[\s([{"'_~])(\*\*?)([^\s*](?:[^\r\n*]*[^\s*])?)\1(?![\p{L}\p{N}*])/gmu,
  /(?<=^|[\s([{"'*~])(__?)([^\s_](?:[^\r\n_]*[^\s_])?)\1(?![\p{L}\p{N}_])/gmu,
  /(?<=^|[\s([{"'*_])(~~?)([^\s~](?:[^\r\n~]*[^\s~])?)\1(?![\p{L}\p{N}~])/gmu,
];

/** Message text as Rocket.Chat shows it in a push notification: markdown markers removed. */
export function stripMarkdown(text: string): string {
  // Code is set aside behind placeholders so no later rule touches it. Fences and inline code get
  // a placeholder each, so that each kind is put back in its own order (a fence after inline code
  // must not swap places with it).
  const fenceHole = unusedPrivateUseChar(text);
  const inlineHole = unusedPrivateUseChar(text + fenceHole);
  const fences: string[] = [];
  const inlines: string[] = [];
  let out = text
    .replace(fence, (_match: string, inner: string) => {
      fences.push(inner);
      return fenceHole;
    })
    .replace(inlineCode, (_match: string, inner: string) => {
      inlines.push(inner);
      return inlineHole;
    });
  out = out
    .replace(link, '$1')
    .replace(slackLink, '$1')
    .replace(blockQuote, '$1')
    .replace(quote, '')
    .replace(heading, '');
  for (const marker of emphasis) out = out.replace(marker, '$2');
  // Inline code first: its text may hold a fence placeholder (`a ```b``` c`), never the reverse.
  let nextInline = 0;
  let nextFence = 0;
  return out.replaceAll(inlineHole, () => inlines[nextInline++] ?? '').replaceAll(fenceHole, () => fences[nextFence++] ?? '');
}

function unusedPrivateUseChar(text: string): string {
  for (let code = 0xe000; code <= 0xf8ff; code++) {
    const char = String.fromCharCode(code);
    if (!text.includes(char)) return char;
  }
  throw new Error('text uses every private-use character');
}
