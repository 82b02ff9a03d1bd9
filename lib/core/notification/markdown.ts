// Rocket.Chat's notification markdown filter (`apps/meteor/app/markdown/lib/parser/filtered/filtered.ts`,
// run through the `renderNotification` callback). It is ten plain text rewrites, applied in this
// order, each once over the whole text; a later rule sees what the earlier ones left, so code is
// not protected (`*x*` inside backticks loses its stars too). The quirks are Rocket.Chat's and kept
// on purpose: a push must read exactly as Rocket.Chat would send it.

/** Rocket.Chat's `Markdown_SupportSchemesForLink` default (`http,https`); lower case only. */
const LINK_SCHEME = 'https?';

/** The separators a heading's text may contain one at a time (two in a row end the match). */
const HEADING_GAP = '[ \\u00a0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

type Rule = (text: string) => string;

/**
 * Emphasis (`*`, `_`, `~`): one or two markers, text without that marker on one line, one or two
 * markers. The opening must start a line or follow a space, `>`, a backtick or one of the other two
 * markers; that character, and one such character (or `<`) right after the closing markers, belong
 * to the match and are put back — so a match consumes its neighbours and the next one cannot reuse
 * them (`*a*_*b*` keeps the second pair).
 */
function emphasis(marker: '*' | '_' | '~'): Rule {
  const neighbours = ['*', '_', '~'].filter((other) => other !== marker).join('') + '`';
  const m = `\\${marker}`;
  const pattern = new RegExp(`(^|[ >${neighbours}])${m}{1,2}([^${m}\\r\\n]+)${m}{1,2}([<${neighbours}]?)`, 'gm');
  return (text) => text.replace(pattern, '$1$2$3');
}

const RULES: Rule[] = [
  // 1. Every run of three backticks goes, anywhere: a fence's language word and newlines stay.
  (text) => text.replaceAll('```', ''),
  // 2. Inline code: a backtick pair around text on one line loses its backticks.
  (text) => text.replace(/`([^`\r\n]+)`/g, '$1'),
  // 3. `[text](http(s)://…)` and `![alt](http(s)://…)` become the text; other schemes stay.
  (text) => text.replace(new RegExp(`!?\\[([^\\]]+)\\]\\(${LINK_SCHEME}:\\/\\/[^)]+\\)`, 'g'), '$1'),
  // 4. Slack-style `<http(s)://…|text>` (also HTML-escaped `&lt;…&gt;`) becomes the text.
  (text) => text.replace(new RegExp(`(?:<|&lt;)${LINK_SCHEME}:\\/\\/[^|]+\\|(.+?)(?:>|&gt;)`, 'g'), '$1'),
  // 5. Headings: one to four `#` and one space at a line start go when text follows; `#####`,
  //    `#channel` and `#  two spaces` stay.
  (text) => text.replace(new RegExp(`^#{1,4} ((?:\\S${HEADING_GAP}?)+)`, 'gm'), '$1'),
  // 6–8. Bold, italics, strike-through.
  emphasis('*'),
  emphasis('_'),
  emphasis('~'),
  // 9. `>>>` block quotes: the markers and the newlines next to them go.
  (text) => text.replace(/>>>\n+([\s\S]*?)\n+<<</g, '$1'),
  // 10. One `>` at the start of every line goes; the space after it stays.
  (text) => text.replace(/^>/gm, ''),
];

/** Message text as Rocket.Chat shows it in a push notification. */
export function stripMarkdown(text: string): string {
  return RULES.reduce((out, rule) => rule(out), text);
}
