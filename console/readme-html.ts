// A lesson's README as the console shows it: Markdown rendered by marked, with its relative
// references made to work in the console. Pictures from flamegraphs/screenshots/ are served
// (/files/screenshots/); a link to another lesson's README opens that lesson's page; other
// project files are not served, so their links become plain text that says where they are.
import path from 'node:path';
import { Marked, type Tokens } from 'marked';

const isRelative = (href: string): boolean => !/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(href);

export function readmeToHtml(markdown: string, lessonSlug: string): string {
  const marked = new Marked({
    renderer: {
      image({ href, title, text }: Tokens.Image): string | false {
        if (!isRelative(href)) return false;
        const file = path.posix.normalize(path.posix.join('lessons', lessonSlug, href));
        if (!file.startsWith('flamegraphs/screenshots/')) return `<span class="missing-picture">[${escape(text)}]</span>`;
        return `<img src="/files/screenshots/${encodeURIComponent(path.posix.basename(file))}" alt="${escape(text)}"${title ? ` title="${escape(title)}"` : ''}>`;
      },
      link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link): string | false {
        if (!isRelative(token.href)) return false;
        const inner = this.parser.parseInline(token.tokens);
        const file = path.posix.normalize(path.posix.join('lessons', lessonSlug, token.href.split('#')[0]!));
        const lesson = /^lessons\/(\d{2})-[a-z0-9-]+\/README\.md$/.exec(file);
        if (lesson) return `<a href="#/lesson/${Number(lesson[1])}">${inner}</a>`;
        return `<span class="project-file" title="in the project: ${escape(file)}">${inner}</span>`;
      },
    },
  });
  return marked.parse(markdown, { async: false });
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
