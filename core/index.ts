/**
 * hvabi's public API for core authors and tools: the core interface, the
 * reference core, and the adapter that turns a per-case executor into a core.
 */
export type {
  AreaName,
  CaseExecutor,
  CaseInput,
  CaseOutcome,
  Config,
  Core,
  CoreDescription,
  ObserveRequest,
  StepInput,
  StepObservation,
} from "./interface";
export { createReferenceExecutor } from "./reference";
export { inProcessCore } from "./adapters/in-process";
