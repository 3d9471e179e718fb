/**
 * Normative console messages (spec/data/messages.json) recognised in Xen's console lines.
 * Each template becomes a pattern with one capture per parameter; a line may carry Xen's own
 * prefix before the message (a guest's "(d1) ", a debug build's "file.c:123:d1v0 ").
 */
import type { Spec } from "../../../spec";
import type { LogEntry } from "../../../spec/types/generated";

interface MessagePattern {
  id: string;
  params: string[];
  integers: ReadonlySet<string>;
  frames: ReadonlySet<string>;
  pattern: RegExp;
}

const cache = new WeakMap<Spec, MessagePattern[]>();

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function patterns(spec: Spec): MessagePattern[] {
  let list = cache.get(spec);
  if (list) return list;
  list = [];
  for (const message of spec.messages.values()) {
    const params: string[] = [];
    let source = "";
    for (const part of message.template.split(/(\{[a-zA-Z]+\})/)) {
      if (/^\{[a-zA-Z]+\}$/.test(part)) {
        params.push(part.slice(1, -1));
        source += "(.*?)";
      } else source += escape(part);
    }
    const integers = new Set(message.integerParams ?? []);
    const frames = new Set(message.frameParams ?? []);
    // Leading spaces of a template belong to Xen's indentation and stay significant.
    list.push({ id: message.id, params, integers, frames, pattern: new RegExp(`(?:^|[ :])${source}$`) });
  }
  cache.set(spec, list);
  return list;
}

/**
 * The normative messages among Xen's console lines, in order. A frame parameter (printed as
 * hex) is named by the model frame its real frame stands for, printed the same way; a frame no
 * pool holds stays as Xen printed it.
 */
export function normativeMessages(spec: Spec, lines: readonly string[], frames?: ReadonlyMap<bigint, bigint>): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of lines) {
    for (const message of patterns(spec)) {
      const match = message.pattern.exec(line);
      if (!match) continue;
      const entry: LogEntry = { msg: message.id };
      message.params.forEach((name, i) => {
        const text = match[i + 1] ?? "";
        if (message.integers.has(name)) entry[name] = Number(text);
        else if (message.frames.has(name) && /^[0-9a-f]+$/.test(text)) {
          const model = frames?.get(BigInt(`0x${text}`));
          entry[name] = model === undefined ? text : model.toString(16);
        } else entry[name] = text;
      });
      entries.push(entry);
      break;
    }
  }
  return entries;
}
