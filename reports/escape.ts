/**
 * Escaping for every output format. Case files and cores are untrusted
 * input: every string from them goes through one of these before it reaches
 * a report.
 */

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\n": "&#10;", "\r": "&#13;" };

/**
 * Text for HTML element content and quoted attribute values. Line breaks
 * become character references (the same text once parsed), so no line of the
 * page starts with what a report wrote (see {@link defuseWorkflowCommands}).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'\n\r]/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Output that may reach a GitHub Actions log (printed by a step, or a file a
 * later step prints): a line whose first non-blank characters are `::` is
 * read as a workflow command — an annotation, a masked value, a step output —
 * so a core's message could forge one. Each such line gets a backslash
 * before its `::`: it shows what was written and commands nothing. Every
 * format but the GitHub annotations (whose commands are hvabi's own) passes
 * its text through here.
 */
export function defuseWorkflowCommands(text: string): string {
  return text.replace(/(^|[\r\n])((?:[^\S\r\n]|\u0085)*)::/g, "$1$2\\::");
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

/** Like {@link escapeXml} but keeps line breaks readable, for element text (no line starting a workflow command). */
export function escapeXmlText(text: string): string {
  return defuseWorkflowCommands(text)
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

/**
 * An inline Markdown code span: its text shows literally (no markup, entity
 * or mention), delimited by a backtick run longer than any inside it; line
 * breaks become spaces so the span cannot end its list item or start a block.
 */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || (flat.startsWith(" ") && flat.endsWith(" ") && flat.trim() !== "") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
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
