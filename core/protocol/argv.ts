/**
 * Splits the command of `--core exec:<command>` into an argv array. The core
 * is spawned without a shell, so this is the whole quoting story:
 *
 * - words are separated by spaces and tabs;
 * - '…' keeps everything inside literally;
 * - "…" keeps everything inside, except that \" and \\ stand for " and \;
 * - outside quotes, \ makes the next character literal.
 *
 * Nothing is expanded: no $VARIABLES, ~, globs, pipes or redirections.
 */
export class CommandLineError extends Error {}

export function splitCommandLine(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && (command[i + 1] === '"' || command[i + 1] === "\\")) word += command[++i];
      else word += c;
      continue;
    }
    if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === "\\") {
      if (i + 1 >= command.length) throw new CommandLineError(`the command ends with a lone backslash: ${command}`);
      word += command[++i];
    } else word += c;
  }
  if (quote !== undefined) throw new CommandLineError(`unclosed ${quote} quote in the command: ${command}`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new CommandLineError("the command is empty: give the program to run after exec:, e.g. exec:./my-core --flag");
  return words;
}
