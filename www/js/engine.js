// Talks to the computation worker: one promise per request, progress
// reported through a callback. The page uses only this and the drawing
// functions of the wasm package.
export class Engine {
  constructor() {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.pending = new Map();
    this.nextId = 1;
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.failReady(new Error(event.message || "the worker did not start"));
  }

  receive(data) {
    if ("ready" in data) {
      // The bundled examples the worker holds (www/examples/index.json).
      this.examples = data.examples ?? [];
      data.ready ? this.markReady() : this.failReady(new Error(data.error));
      return;
    }
    const request = this.pending.get(data.id);
    if (!request) return;
    if (data.progress) {
      request.onProgress?.(data.progress.done, data.progress.total);
      return;
    }
    this.pending.delete(data.id);
    if (data.ok) {
      request.resolve(data.result);
    } else {
      const error = new Error(data.error);
      error.fatal = data.fatal;
      request.reject(error);
    }
  }

  /** Calls a method of the worker's Dataset handle, e.g. ("cox", options). */
  dataset(method, ...args) {
    return this.call("dataset", { method, args });
  }

  /** Runs `op` in the worker; resolves to its result or rejects with its Error. */
  call(op, args, onProgress) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, op, args });
    });
  }
}
