/** A clause's or a layout's source, as text and, for a source in a repository, as a link. */
import type { Source } from "../../spec/types/generated";

export function sourceText(source: Source): string {
  if (typeof source === "string") return source;
  if ("seed" in source) return `seed ${source.seed}: “${source.quote}”`;
  return `${source.repo} ${source.path} ${source.symbol} @ ${source.commit}`;
}

/** A link for a source in a repository: the schema restricts repo and commit to safe characters, the path is percent-encoded segment by segment. */
export function sourceHref(source: Source): string | undefined {
  if (typeof source !== "object" || !("repo" in source)) return undefined;
  return `https://github.com/${source.repo}/blob/${source.commit}/${source.path.split("/").map(encodeURIComponent).join("/")}`;
}
