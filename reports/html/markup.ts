/**
 * A tagged template that escapes every interpolated value unless it is
 * already markup built by this same tag. Forgetting to escape a case string
 * therefore needs an explicit `trustedMarkup(…)`, used only for hvabi's own
 * assets. Interpolations go only in element content and in quoted attribute
 * values.
 */
import { escapeHtml } from "../escape";

export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Fragment = Markup | string | number | boolean | null | undefined | readonly Fragment[];

function serialise(fragment: Fragment): string {
  if (fragment instanceof Markup) return fragment.text;
  if (Array.isArray(fragment)) return fragment.map(serialise).join("");
  if (fragment === null || fragment === undefined || fragment === false || fragment === true) return "";
  return escapeHtml(String(fragment));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): Markup {
  let text = strings[0]!;
  values.forEach((value, i) => {
    text += serialise(value) + strings[i + 1]!;
  });
  return new Markup(text);
}

/** hvabi's own CSS, script and JSON blocks: never a string from a case or a core. */
export const trustedMarkup = (text: string): Markup => new Markup(text);
