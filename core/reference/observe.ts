/** Builders for the observations a reference-core operation returns. */
import type { Errno, Fault, GrantStatus, StepObservation, Value, Values } from "../../spec/types/generated";
import { toHex } from "../hex";

export type Observation = StepObservation;

export const ok = (returns?: Values): Observation => (returns === undefined ? { result: "ok" } : { result: "ok", returns });

export const errno = (name: Errno): Observation => ({ result: name });

export const grantStatus = (status: GrantStatus, returns?: Values): Observation =>
  returns === undefined ? { result: "ok", status } : { result: "ok", status, returns };

export function fault(vector: Fault["vector"], errorCode?: bigint): Observation {
  return errorCode === undefined
    ? { result: "fault", fault: { vector } }
    : { result: "fault", fault: { vector, errorCode: toHex(errorCode) } };
}

/** A state value read by key, or undefined when the key is not this reader's. */
export type StateRead = { value: Value } | undefined;

export const found = (value: Value): StateRead => ({ value });
