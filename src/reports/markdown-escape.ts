/**
 * Makes text inert inside a Markdown table cell or list item: backslash-escapes
 * every character GitHub gives meaning to inside a line (`|`, emphasis, code,
 * `[`/`]`, `$` for math, `~` for strikethrough), turns `<`, `>` and `&` into
 * entities so no raw HTML survives, keeps `@name` from pinging anyone, folds
 * line breaks and replaces control characters. Parentheses stay: without an
 * unescaped `]` before them they cannot form a link.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    // eslint-disable-next-line no-control-regex -- control characters are what this strips
    .replace(/[\u0000-\u001f\u007f]/g, "\ufffd")
    .replace(/[\\`*_[\]#!|~$]/g, (char) => `\\${char}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=\w)/g, "@&#8203;");
}
