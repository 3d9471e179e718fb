/**
 * Escaping for every output format. Case files and cores are untrusted
 * input: every string from them goes through one of these before it reaches
 * a report.
 */

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * JSON to embed in an HTML `<script type="application/json">` block: `<`
 * cannot start `</script>` or `<!--`, and the line separators JavaScript
 * once refused are spelled out.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

// XML 1.0 forbids most control characters and lone surrogates even as references.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for XML content and quoted attributes; characters XML cannot carry are written as `\uXXXX`. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/[&<>"']/g, (c) => (c === "'" ? "&apos;" : HTML_ENTITIES[c]!))
    // Attribute values normalise newlines and tabs away unless they are references.
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

/** Like {@link escapeXml} but keeps line breaks readable, for element text. */
export function escapeXmlText(text: string): string {
  return text
    .replace(XML_FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c]!)
    .replace(/\r/g, "&#13;");
}

/**
 * Inline Markdown text (GitHub flavoured), never at the start of a line: the
 * characters that open emphasis, code, links, tables or strike-through are
 * backslash escaped, HTML is spelled as entities, `@` cannot mention anyone,
 * and line breaks become spaces so a string stays in its cell or list item.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, " ")
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<>"@]/g, (c) => (c === "@" ? "&#64;" : HTML_ENTITIES[c]!));
}

/** A fenced Markdown code block whose fence is longer than any backtick run in the text. */
export function markdownFence(text: string, language = ""): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** The message part of a GitHub Actions workflow command. */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A property value (file, title) of a GitHub Actions workflow command. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
