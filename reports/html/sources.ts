/** A clause's or a layout's source, as text and, for a source in a repository, as a link. */
import type { Source } from "../../spec/types/generated";

export function sourceText(source: Source): string {
  if (typeof source === "string") return source;
  if ("seed" in source) return `seed ${source.seed}: “${source.quote}”`;
  return `${source.repo} ${source.path}${source.lines ? `:${source.lines}` : ""} ${source.symbol} @ ${source.commit}`;
}

/** GitHub's anchor for the first range of a source's lines (`3005-3046` → `#L3005-L3046`). */
function linesAnchor(lines: string | undefined): string {
  const first = /^([0-9]+)(?:-([0-9]+))?/.exec(lines ?? "");
  if (first === null) return "";
  return first[2] === undefined ? `#L${first[1]}` : `#L${first[1]}-L${first[2]}`;
}

/** A link for a source in a repository: the schema restricts repo and commit to safe characters, the path is percent-encoded segment by segment. */
export function sourceHref(source: Source): string | undefined {
  if (typeof source !== "object" || !("repo" in source)) return undefined;
  return `https://github.com/${source.repo}/blob/${source.commit}/${source.path.split("/").map(encodeURIComponent).join("/")}${linesAnchor(source.lines)}`;
}
