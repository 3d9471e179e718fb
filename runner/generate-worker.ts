/** A worker thread of corpus generation (generate-parallel.ts): its share of the templates, one request at a time. */
import { parentPort, workerData } from "node:worker_threads";
import { loadSpec } from "../spec";
import { createReferenceExecutor } from "../core/reference";
import { GeneratorLane, lanePositions, loadTemplates } from "./generate";
import type { FromGenerateWorker, GenerateWorkerSetup, ToGenerateWorker } from "./generate-parallel";

const port = parentPort;
if (port === null) throw new Error("generate-worker.js runs only as a worker thread");
const post = (message: FromGenerateWorker): void => port.postMessage(message);
try {
  const { options, lane: index, lanes } = workerData as GenerateWorkerSetup;
  const spec = loadSpec();
  const executor = createReferenceExecutor(spec);
  const { templates, pools } = loadTemplates(spec, executor, options.templates);
  const mine = lanePositions(templates.length, index, lanes).map((position) => ({ position, loaded: templates[position]! }));
  const lane = new GeneratorLane({ spec, executor, pools, seed: options.seed }, mine, options.out);
  port.on("message", (message: ToGenerateWorker) => {
    try {
      switch (message.kind) {
        case "produce":
          post({ kind: "progress", progress: lane.produce(message.rounds) });
          break;
        case "truncate":
          lane.truncate(new Map(message.shares));
          post({ kind: "truncated" });
          break;
        case "discarded":
          post({ kind: "discarded", discarded: lane.discarded });
          break;
        case "close":
          port.close();
          break;
      }
    } catch (error) {
      post({ kind: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
} catch (error) {
  post({ kind: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
