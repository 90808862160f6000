// The main thread's side of the worker: request/response by id, progress events,
// cancellation by terminating the worker (the only way to stop wasm at once), and
// restart after a crash so one panic never leaves the page without an engine.

/**
 * What the engine answers with: JSON the core made (serde), reshaped by the worker and
 * structured-cloned across. The wasm boundary types it `any` (pidscope.d.ts), so it is
 * `any` here too, read as the core documents it.
 * @typedef {any} EngineValue
 */

/** What a `crash` event carries. @typedef {{message: string, restarted: boolean}} CrashDetail */

/** Error raised for a cancelled request. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Error raised when the engine crashed (a Rust panic or a worker failure). */
export class EngineCrashError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'EngineCrashError';
  }
}

const MAX_QUICK_RESTARTS = 3; // crashes within a second of start: stop retrying

export class WorkerBridge extends EventTarget {
  #url;
  #type;
  /** @type {Worker} */
  #worker = null;
  #pending = new Map();
  #nextId = 1;
  #startedAt = 0;
  #quickRestarts = 0;
  /** Increases each time the worker (and all state it held) is replaced. */
  generation = 0;

  /**
   * @param {URL|string} url the worker script
   * @param {{type?: 'module'|'classic'}} [options]
   */
  constructor(url, { type = 'module' } = {}) {
    super();
    this.#url = url;
    this.#type = type;
    this.#spawn();
  }

  /**
   * Calls `method` in the worker. Resolves to its result, rejects with its error.
   * @param {string} method
   * @param {object} [params]
   * @param {{onProgress?: (p: object) => void, signal?: AbortSignal, transfer?: Transferable[]}} [options]
   * @returns {Promise<EngineValue>}
   */
  call(method, params = {}, { onProgress, signal, transfer = [] } = {}) {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject, onProgress });
      signal?.addEventListener('abort', () => this.cancel(id), { once: true });
      this.#worker.postMessage({ id, method, params }, transfer);
    });
  }

  /**
   * Cancels one request at once. Other requests in flight are cancelled too, since the worker restarts.
   * @param {number} id
   */
  cancel(id) {
    if (!this.#pending.has(id)) return;
    this.#restart(new CancelledError());
  }

  /** Cancels every request in flight (restarting the worker), if there is any. */
  cancelAll() {
    if (this.#pending.size) this.#restart(new CancelledError());
  }

  /** Number of requests waiting for an answer. */
  get busy() {
    return this.#pending.size;
  }

  #spawn() {
    this.generation += 1;
    this.#startedAt = performance.now();
    const worker = new Worker(this.#url, { type: this.#type, name: 'pidscope-engine' });
    worker.onmessage = (event) => this.#onMessage(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#crash(event.message || 'the computation engine failed to load');
    };
    worker.onmessageerror = () => this.#crash('a message from the computation engine could not be read');
    this.#worker = worker;
  }

  /** @param {import('./worker.js').EngineReply} message */
  #onMessage(message) {
    const entry = this.#pending.get(message.id);
    if (!entry) return; // an answer to a cancelled request
    if (message.type === 'progress') {
      entry.onProgress?.(message.data);
      return;
    }
    this.#pending.delete(message.id);
    if (message.type === 'result') {
      entry.resolve(message.data);
    } else {
      const { name, message: text, fatal } = message.error ?? {};
      const error = fatal ? new EngineCrashError(text) : Object.assign(new Error(text), { name: name || 'Error' });
      entry.reject(error);
      if (fatal) this.#crash(text, false);
    }
  }

  /** @param {Error} reason what every pending request is rejected with */
  #restart(reason) {
    this.#worker.terminate();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { reject } of pending) reject(reason);
    this.#spawn();
  }

  /**
   * @param {string} message
   * @param {boolean} [rejectPending]
   */
  #crash(message, rejectPending = true) {
    const quick = performance.now() - this.#startedAt < 1000;
    this.#quickRestarts = quick ? this.#quickRestarts + 1 : 0;
    /** @type {CrashDetail} */
    const detail = { message, restarted: this.#quickRestarts <= MAX_QUICK_RESTARTS };
    if (detail.restarted) {
      this.#restart(new EngineCrashError(message));
    } else if (rejectPending) {
      for (const { reject } of this.#pending.values()) reject(new EngineCrashError(message));
      this.#pending.clear();
    }
    this.dispatchEvent(new CustomEvent('crash', { detail }));
  }
}
