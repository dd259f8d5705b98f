// The chat WebSocket (docs/websocket.md): connects, reconnects with backoff, parses frames.
// Events: "open", "close" (detail: {code, willRetry}), "frame" (detail: the frame object).

const UNAUTHENTICATED = 4401;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;

export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

export class ChatSocket extends EventTarget {
  constructor(path) {
    super();
    this.url = socketUrl(path);
    this.socket = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.gaveUp = false;
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.reconnectNow();
    });
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  connect() {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      setState("open");
      this.dispatchEvent(new Event("open"));
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame.type === "string") {
        this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      setState("closed");
      // A socket refused for want of a session will be refused again: stop and say so.
      const willRetry = event.code !== UNAUTHENTICATED;
      this.gaveUp = !willRetry;
      this.dispatchEvent(new CustomEvent("close", { detail: { code: event.code, willRetry } }));
      if (willRetry) this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    if (this.retryTimer) return;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    this.attempt += 1;
    const jittered = delay * (0.8 + Math.random() * 0.4);
    this.retryTimer = window.setTimeout(() => this.connect(), jittered);
  }

  /** Skip the wait when the network or the tab comes back. */
  reconnectNow() {
    if (this.gaveUp || this.socket !== null || !this.retryTimer) return;
    this.attempt = 0;
    this.connect();
  }

  /** Send one frame; false when the socket is not open (the caller tells the user). */
  send(frame) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }
}

function setState(state) {
  // A hook for people and for the browser tests: body[data-socket="open"|"closed"].
  document.body.dataset.socket = state;
}
