// Ringcast browser client: an ES module served by the hub at /ringcast.js. Apache-2.0.
//
//   import { Ringcast } from "/ringcast.js";
//   const hub = new Ringcast({ topics: ["orders/*"], token: () => myApp.freshToken() });
//   hub.on("created", e => render(e.topic, e.data));   // events of type "created", any topic of the pattern
//   hub.on("reset", () => reloadState());                // events were missed: rebuild from the source of truth
//   hub.on("state", s => badge.textContent = s);         // connecting | open | reconnecting | closed
//   hub.connect();
//
// The stream is opened with envelope=1, so every event arrives with its topic, type, time and private flag, and a
// listener for any type receives it (EventSource alone hands typed events only to listeners registered beforehand).

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;

/**
 * One subscription to a Ringcast hub over Server-Sent Events.
 *
 * Events: a listener registered with on(name, fn) receives
 *   - "<type>"   events published with that type; "message" receives the untyped ones; "*" receives every event.
 *                Each is { id, topic, type, time (epoch ms), private (boolean), data (the parsed JSON payload) }.
 *   - "reset"    { reason, lastEventId }: the hub could not replay everything since lastEventId; reload your state.
 *   - "state"    "connecting" | "open" | "reconnecting" | "closed" (closed: by close(), or after a refusal that a
 *                retry cannot fix, such as 400 or 403; the "error" event says why).
 *   - "token-expired" { reason, expiredAt }: the hub ended the stream as its token expired; the client reopens
 *                at once, asking the token hook for a fresh token, and resumes after the last event.
 *   - "error"    { status, error, detail, retrying }: the hub refused the stream (the JSON error it answered with) or
 *                could not be reached (status 0).
 *
 * Reconnects: a dropped connection is resumed by the browser with Last-Event-ID (no gap, no duplicate). When the hub
 * refuses a (re)connection, the client asks it why, and retries with a growing delay (1 s to 30 s) on 401 (calling
 * the token hook again), 429, 5xx and network failures, resuming after the last event it delivered.
 */
export class Ringcast {
  /**
   * @param {object} options
   * @param {string|string[]} options.topics exact topics, or one prefix pattern such as "orders/*".
   * @param {string|function(): (string|Promise<string>)} [options.token] a JWT, or a hook returning one; the hook
   *        runs before every connection the client opens, so it can refresh an expiring token.
   * @param {string} [options.url] the hub's stream endpoint; default "/events" on this page's origin.
   * @param {string} [options.lastEventId] resume after this id on the first connection.
   * @param {object} [options.params] further query parameters, e.g. { user: "alice" } on a hub without auth.
   */
  constructor(options) {
    const topics = typeof options.topics === "string" ? [options.topics] : Array.from(options.topics || []);
    if (topics.length === 0) throw new TypeError("Ringcast: options.topics needs at least one topic or pattern");
    this.topics = topics;
    this.url = options.url || "/events";
    this.token = options.token;
    this.params = options.params || {};
    this.lastEventId = options.lastEventId || null;
    this.state = "closed";
    this.listeners = new Map();
    this.source = null;
    this.retryTimer = null;
    this.failures = 0;
    this.generation = 0;
  }

  /** Adds a listener; returns a function that removes it. */
  on(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(fn);
    return () => this.listeners.get(name).delete(fn);
  }

  /** Opens the stream (closing any open one first); resolves once the request is on its way. */
  async connect() {
    this.stopSource();
    this.closed = false;
    await this.open(this.state === "closed" ? "connecting" : "reconnecting");
  }

  /** Closes the stream for good; connect() opens it again, resuming after the last event received. */
  close() {
    this.closed = true;
    this.stopSource();
    this.setState("closed");
  }

  async open(state) {
    const generation = ++this.generation;
    this.setState(state);
    let url;
    try {
      url = await this.streamUrl();
    } catch (e) {
      if (generation !== this.generation) return;
      this.emit("error", { status: 0, error: "token_hook_failed", detail: String(e && e.message || e), retrying: true });
      this.scheduleRetry();
      return;
    }
    if (generation !== this.generation || this.closed) return;
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.setState("open");
    };
    source.onmessage = e => this.deliver(e);
    source.addEventListener("reset", e => this.emit("reset", parse(e.data)));
    source.addEventListener("token-expired", e => {
      // the hub ends a stream when its token expires: reopen at once with a fresh token, after the last event
      this.emit("token-expired", parse(e.data));
      this.stopSource();
      this.open("reconnecting");
    });
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === EventSource.CONNECTING) {
        this.setState("reconnecting"); // the browser resumes on its own, with Last-Event-ID
        return;
      }
      this.source = null;
      this.diagnose(url, generation);
    };
  }

  async streamUrl() {
    const query = new URLSearchParams();
    for (const t of this.topics) query.append("topic", t);
    query.set("envelope", "1");
    for (const [k, v] of Object.entries(this.params)) if (v !== undefined && v !== null && v !== "") query.set(k, v);
    if (this.lastEventId) query.set("lastEventId", this.lastEventId);
    const token = typeof this.token === "function" ? await this.token() : this.token;
    if (token) query.set("access_token", token);
    return new URL(this.url, document.baseURI).href.split("?")[0] + "?" + query;
  }

  // EventSource does not expose why a connection failed: ask the hub with the same request and read its JSON error.
  async diagnose(url, generation) {
    const abort = new AbortController();
    let failure;
    try {
      const response = await fetch(url, { headers: { Accept: "text/event-stream" }, signal: abort.signal });
      if (response.ok) {
        failure = { status: response.status, error: "stream_failed", detail: "the stream ended unexpectedly" };
      } else {
        const body = await response.json().catch(() => ({}));
        failure = { status: response.status, error: body.error || "http_" + response.status,
          detail: body.detail || response.statusText };
      }
    } catch (e) {
      failure = { status: 0, error: "unreachable", detail: "the hub could not be reached" };
    } finally {
      abort.abort();
    }
    if (generation !== this.generation || this.closed) return;
    const retrying = failure.status === 0 || failure.status === 401 || failure.status === 429 ||
      failure.status >= 500 || failure.status === 200;
    this.emit("error", { ...failure, retrying });
    if (retrying) {
      this.scheduleRetry();
    } else {
      this.closed = true;
      this.setState("closed");
    }
  }

  scheduleRetry() {
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.failures++, 5));
    this.setState("reconnecting");
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => { if (!this.closed) this.open("reconnecting"); },
      delay / 2 + Math.random() * delay / 2);
  }

  deliver(e) {
    const envelope = parse(e.data);
    if (envelope === undefined || typeof envelope !== "object" || envelope === null || !("topic" in envelope)) {
      this.emit("error", { status: 200, error: "not_an_envelope", detail: "the stream sent data that is not an " +
        "event envelope: " + String(e.data).slice(0, 120), retrying: false });
      return;
    }
    this.lastEventId = e.lastEventId || envelope.id;
    const event = { id: envelope.id, topic: envelope.topic, type: envelope.type, time: envelope.time,
      private: envelope.private === true, data: envelope.data };
    this.emit(event.type || "message", event);
    this.emit("*", event);
  }

  emit(name, value) {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const fn of Array.from(set)) {
      try {
        fn(value);
      } catch (err) {
        setTimeout(() => { throw err; }); // report a listener's failure without stopping the others
      }
    }
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  stopSource() {
    clearTimeout(this.retryTimer);
    this.generation++;
    if (this.source) this.source.close();
    this.source = null;
  }
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return undefined;
  }
}
