/**
 * Shares a run's files out among the main thread and worker threads. The
 * files go in chunks of consecutive names: each worker holds a few chunks at
 * a time and the main thread takes the next whenever it is free, so the
 * threads finish together. A worker that cannot start its core, or dies, hands
 * its chunks back to the main thread: no result is ever lost to a worker.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { RunnerSettings } from "../spec/types/generated";
import type { FileOutcome, FileTask, Lane, LaneOptions } from "./case-runner";
import type { CoreStartOptions } from "./core-kinds/core-kind";
import { SharedStrings } from "./shared-strings";

/** What a worker thread needs to start its own copy of the core. */
export interface WorkerSetup {
  /** The `--core` argument, resolved again in each worker. */
  core: string;
  resolve: CoreStartOptions;
  lane: LaneOptions;
}

export type ToWorker = { kind: "chunk"; chunk: number; tasks: FileTask[] } | { kind: "close" };
export type FromWorker =
  | { kind: "ready" }
  | { kind: "failed"; message: string }
  | { kind: "done"; chunk: number; outcomes: FileOutcome[] }
  | { kind: "closed" };

/**
 * Worker threads for a run: the number asked for, or by default as many as
 * the processors allow beyond the main thread, up to the configured maximum,
 * when the run has enough files and the machine enough processors to pay for
 * starting them.
 */
export function workerCount(requested: number | undefined, files: number, settings: RunnerSettings, processors: number = availableParallelism()): number {
  if (requested !== undefined) return requested;
  if (files < settings.parallelMinFiles || processors < settings.parallelMinProcessors) return 0;
  return Math.max(0, Math.min(settings.maxWorkers, processors - 1));
}

interface WorkerLane {
  worker: Worker;
  /** Chunks handed to it and not yet answered. */
  held: Set<number>;
  state: "starting" | "ready" | "gone";
}

/**
 * A message from a worker carries every string once per result; the results
 * of one file are given the same strings again, so a large run keeps one copy.
 */
function shareStrings(outcomes: FileOutcome[], shared: SharedStrings): FileOutcome[] {
  for (const outcome of outcomes) {
    const first = outcome.head ?? outcome.results[0];
    if (first === undefined) continue;
    outcome.file = first.file;
    if (first.id !== null) outcome.id = first.id;
    // Arrays (clauses) are shared already: a message keeps the identity of the objects in it.
    for (const result of outcome.results) {
      result.file = first.file;
      result.id = first.id;
      if (result.hash === first.hash) result.hash = first.hash;
      shared.result(result);
    }
    if (outcome.head !== undefined) shared.result(outcome.head);
  }
  return outcomes;
}

/** Asks a worker to close its core and waits for it to exit; one that is still starting, or slow to stop, is terminated. */
async function closeWorker(lane: WorkerLane, settings: RunnerSettings): Promise<void> {
  if (lane.state === "gone") return;
  const wasReady = lane.state === "ready";
  lane.state = "gone";
  if (!wasReady) {
    await lane.worker.terminate();
    return;
  }
  const exited = new Promise<void>((resolve) => lane.worker.once("exit", () => resolve()));
  lane.worker.postMessage({ kind: "close" } satisfies ToWorker);
  const timer = setTimeout(() => void lane.worker.terminate(), settings.workerCloseMs);
  await exited;
  clearTimeout(timer);
}

/** The main thread lets worker messages in between its own chunks. */
const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runParallel(
  mainLane: Lane,
  tasks: readonly FileTask[],
  workers: number,
  setup: WorkerSetup,
  settings: RunnerSettings,
  warn: (message: string) => void,
): Promise<{ outcomes: FileOutcome[]; filesPerThread: number[] }> {
  const chunks: FileTask[][] = [];
  for (let start = 0; start < tasks.length; start += settings.chunkFiles) chunks.push(tasks.slice(start, start + settings.chunkFiles));
  const answers: (FileOutcome[] | undefined)[] = chunks.map(() => undefined);
  /** Files run by the main thread, then by each worker. */
  const filesPerThread = Array.from({ length: 1 + workers }, () => 0);
  /** Chunks nobody holds, lowest first (a chunk given back by a dead worker goes to the front). */
  const queue = chunks.map((_, index) => index);
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };

  const lanes: WorkerLane[] = [];
  const shared = new SharedStrings();
  const feed = (lane: WorkerLane): void => {
    while (lane.state === "ready" && lane.held.size < settings.chunksInFlight && queue.length > 0) {
      const chunk = queue.shift()!;
      lane.held.add(chunk);
      lane.worker.postMessage({ kind: "chunk", chunk, tasks: chunks[chunk]! } satisfies ToWorker);
    }
  };
  const retire = (lane: WorkerLane, why: string | undefined): void => {
    if (lane.state === "gone") return;
    const wasReady = lane.state === "ready";
    lane.state = "gone";
    queue.unshift(...[...lane.held].sort((a, b) => a - b));
    lane.held.clear();
    if (why !== undefined && (wasReady || queue.length > 0)) warn(`a worker thread stopped (${why}); the main thread runs its share`);
    void lane.worker.terminate();
    notify();
  };

  for (let i = 0; i < workers; i++) {
    const thread = i + 1;
    const worker = new Worker(join(__dirname, "parallel-worker.js"), { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } });
    const lane: WorkerLane = { worker, held: new Set(), state: "starting" };
    lanes.push(lane);
    worker.on("message", (message: FromWorker) => {
      switch (message.kind) {
        case "ready":
          lane.state = "ready";
          feed(lane);
          break;
        case "failed":
          retire(lane, message.message);
          break;
        case "done":
          answers[message.chunk] = shareStrings(message.outcomes, shared);
          filesPerThread[thread]! += chunks[message.chunk]!.length;
          lane.held.delete(message.chunk);
          feed(lane);
          break;
        case "closed":
          break;
      }
      notify();
    });
    worker.on("error", (error) => retire(lane, error.message));
    worker.on("exit", (code) => retire(lane, `exit code ${code}`));
  }

  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        answers[chunk] = await mainLane.run(chunks[chunk]!);
        filesPerThread[0]! += chunks[chunk]!.length;
        await yieldToEvents();
        continue;
      }
      if (!lanes.some((lane) => lane.held.size > 0)) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await Promise.all(lanes.map((lane) => closeWorker(lane, settings)));
  }
  const outcomes = answers.flatMap((answer, chunk) => {
    if (answer === undefined) throw new Error(`internal error: chunk ${chunk} of the run has no outcome`);
    return answer;
  });
  return { outcomes, filesPerThread };
}
