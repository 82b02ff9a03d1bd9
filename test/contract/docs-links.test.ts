/**
 * The README and docs/ are read in a clone: every relative link must name a file of the repository
 * (and a heading of it, when it has an anchor), and none may leave the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const markdown = new MarkdownIt({ html: true });

type Token = ReturnType<typeof markdown.parse>[number];

function pages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name));
  return [join(ROOT, 'README.md'), ...docs];
}

function flatten(tokens: Token[]): Token[] {
  return tokens.flatMap((token) => [token, ...flatten(token.children ?? [])]);
}

/** Link targets as the renderer sees them (code blocks and inline code are not links). */
function linkTargets(source: string): string[] {
  return flatten(markdown.parse(source, {}))
    .filter((token) => token.type === 'link_open')
    .map((token) => String(token.attrGet('href') ?? ''));
}

/** GitHub's anchors: one slug per heading, repeated headings numbered. */
function headingAnchors(source: string): Set<string> {
  const slugger = new GithubSlugger();
  const tokens = markdown.parse(source, {});
  const anchors = new Set<string>();
  tokens.forEach((token, index) => {
    if (token.type === 'heading_open') {
      const text = flatten(tokens[index + 1]?.children ?? [])
        .filter((child) => child.type === 'text' || child.type === 'code_inline')
        .map((child) => child.content)
        .join('');
      anchors.add(slugger.slug(text));
    }
  });
  return anchors;
}

/** Why a link is broken, or undefined when it resolves inside the repository. */
function problem(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return undefined; // an absolute URL (https:, mailto:): not a file of the clone
  }
  const [pathPart = '', anchor] = target.split('#', 2);
  const file = pathPart === '' ? page : resolve(dirname(page), decodeURIComponent(pathPart));
  const inside = relative(ROOT, file);
  if (inside.startsWith('..')) {
    return 'leaves the repository';
  }
  if (!existsSync(file)) {
    return 'no such file';
  }
  if (anchor !== undefined && statSync(file).isFile() && file.endsWith('.md') && !headingAnchors(readFileSync(file, 'utf8')).has(anchor)) {
    return `no heading #${anchor} in ${inside}`;
  }
  return undefined;
}

describe('links in README and docs/', () => {
  for (const page of pages()) {
    it(`${relative(ROOT, page)}: every relative link resolves inside the repository`, () => {
      const broken = linkTargets(readFileSync(page, 'utf8'))
        .map((target) => ({ target, why: problem(page, target) }))
        .filter(({ why }) => why !== undefined);
      expect(broken).toEqual([]);
    });
  }

  it('finds links and anchors the way GitHub renders them (not inside code)', () => {
    const sample = '# A `code` title\n\nSee [x](docs/a.md#b) and `[y](z.md)`.\n\n```\n[w](v.md)\n```\n\n## A code title\n';
    expect(linkTargets(sample)).toEqual(['docs/a.md#b']);
    expect([...headingAnchors(sample)]).toEqual(['a-code-title', 'a-code-title-1']);
  });

  it('refuses a link out of the clone, a missing file and a missing heading', () => {
    const readme = join(ROOT, 'README.md');
    expect(problem(readme, '../shared/spec/BEHAVIOUR.md')).toBe('leaves the repository');
    expect(problem(readme, 'docs/no-such-page.md')).toBe('no such file');
    expect(problem(readme, 'docs/deploy.md#no-such-heading')).toBe('no heading #no-such-heading in docs/deploy.md');
    expect(problem(readme, 'docs/deploy.md')).toBeUndefined();
  });
});
