/**
 * Reading the core's lines: JSON, then the protocol schema, each failure put
 * in words that quote the line and say what the protocol wanted.
 */
import type { ErrorObject } from "ajv";
import type { HelloResponse, StepObservation } from "../../spec/types/generated";
import { validator, type SchemaName } from "../../spec/validation/validators";
import { schemaProblems } from "../../spec/validation/schema-errors";

/** A `result` line, once it has passed the schema. */
export type ResultLine = {
  reply: "result";
  batch: number;
  id: string;
  profile: string;
  durationMs?: number;
} & (
  | { outcome: "observed"; steps: StepObservation[] }
  | { outcome: "skipped"; reason: string }
  | { outcome: "errored"; message: string }
);

export type ResponseLine = HelloResponse | ResultLine;

export type ParsedLine = { ok: true; message: ResponseLine } | { ok: false; problem: string; parsed?: unknown };

/** The start of a line, for quoting in a report. */
export function quote(line: string, maxChars: number): string {
  const text = line.length > maxChars ? `${line.slice(0, maxChars)}… (${line.length} characters)` : line;
  return JSON.stringify(text);
}

/** A missing tag is reported twice by ajv (as `required` and as `discriminator`); keep the first. */
function withoutEchoes(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter(
    (error) =>
      error.keyword !== "discriminator" ||
      !errors.some((other) => other.keyword === "required" && other.instancePath === error.instancePath && (other.params as { missingProperty?: string }).missingProperty === (error.params as { tag?: string }).tag),
  );
}

/** Why `data` fails the named compiled schema, one phrase per place, or undefined when it passes. */
export function schemaMismatch(schema: SchemaName, data: unknown): string | undefined {
  const validate = validator(schema);
  if (validate(data)) return undefined;
  return schemaProblems(withoutEchoes(validate.errors ?? []), data)
    .map((p) => {
      const detail = [p.expected && `expected ${p.expected}`, p.found && `found ${p.found}`].filter(Boolean).join(", ");
      return `${p.pointer || "/"}: ${p.message}${detail ? ` (${detail})` : ""}`;
    })
    .join("; ");
}

export function parseResponse(line: string): ParsedLine {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `not JSON (${reason}); stdout carries protocol lines only, so diagnostics belong on stderr` };
  }
  const mismatch = schemaMismatch("protocol-response", data);
  if (mismatch !== undefined) return { ok: false, problem: `not a valid protocol response (spec/protocol.schema.json): ${mismatch}`, parsed: data };
  return { ok: true, message: data as ResponseLine };
}

/** The protocol version a hello-like line claims, before any schema check (a newer protocol may look different). */
export function claimedProtocol(data: unknown): unknown {
  return typeof data === "object" && data !== null && "protocol" in data ? (data as { protocol: unknown }).protocol : undefined;
}
