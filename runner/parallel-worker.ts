/**
 * A worker thread of a parallel run (parallel.ts): it starts its own copy of
 * the core, then runs the chunks of files it is handed, one after another.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadSpec } from "../spec";
import { Lane } from "./case-runner";
import type { FromWorker, ToWorker, WorkerSetup } from "./parallel";
import { resolveCore } from "./resolve-core";

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("parallel-worker.js runs only as a worker thread");
  const post = (message: FromWorker): void => port.postMessage(message);
  const setup = workerData as WorkerSetup;
  let lane: Lane;
  try {
    lane = new Lane(await resolveCore(setup.core, setup.resolve), loadSpec(), setup.lane);
  } catch (error) {
    post({ kind: "failed", message: `cannot start the core ${setup.core}: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  // Chunks run one at a time, in the order they came.
  let work = Promise.resolve();
  port.on("message", (message: ToWorker) => {
    work = work.then(async () => {
      if (message.kind === "chunk") {
        post({ kind: "done", chunk: message.chunk, outcomes: await lane.run(message.tasks) });
      } else {
        await lane.core.close();
        post({ kind: "closed" });
        port.close();
      }
    });
    work.catch((error: unknown) => {
      post({ kind: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      port.close();
    });
  });
  post({ kind: "ready" });
}

void main();
