// Live state of a service point for every page: Socket.IO first, polling the same snapshot when
// the socket is down. Calls onSnapshot(snapshot) with every newer state and onEvent(event) for
// each change in order. A gap in the sequence numbers asks the server for a fresh snapshot.
// Events are small: the last event of a batch carries the delta from the state it was built on
// (delta.base) to the new one, applied here with JonoDelta (delta.js) to the snapshot held.
window.JonoLive = function (servicePoint, onSnapshot, onEvent, onConnection) {
  "use strict";
  const snapshotUrl = "/api/v1/service-points/" + encodeURIComponent(servicePoint) + "/snapshot";
  const pollMilliseconds = 5000;
  let lastSequence = -1;        // of the newest snapshot shown
  let current = null;           // that snapshot: the state deltas apply to
  let lastEventSequence = -1;   // of the newest event handled
  let pollTimer = null;

  function apply(snapshot) {
    if (snapshot.sequence < lastSequence) return;
    lastSequence = snapshot.sequence;
    current = snapshot;
    onSnapshot(snapshot);
  }

  async function poll() {
    try {
      const response = await fetch(snapshotUrl, { cache: "no-store" });
      if (response.ok) apply(await response.json());
    } catch (error) {
      /* offline: try again on the next tick */
    }
  }

  function startPolling() {
    if (pollTimer === null) { pollTimer = setInterval(poll, pollMilliseconds); poll(); }
  }
  function stopPolling() {
    if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; }
  }

  if (typeof window.io !== "function") {  // the client library could not be loaded: poll
    if (onConnection) onConnection(false);
    startPolling();
    return;
  }
  // Reconnect quickly and steadily: after a server restart every page is current again within
  // a few seconds (the default back-off grows to 5 s plus jitter). One socket per page, reused
  // by every reconnect, so a page never holds two connections.
  const socket = window.io({
    auth: { service_point: servicePoint },
    transports: ["websocket", "polling"],
    tryAllTransports: true,  // a WebSocket blocked by a proxy falls back to HTTP long-polling
    reconnectionDelay: 500,
    reconnectionDelayMax: 1500,
    randomizationFactor: 0.3,
    timeout: 4000,
  });
  socket.on("connect", () => { stopPolling(); if (onConnection) onConnection(true); });
  socket.on("disconnect", (reason) => {
    startPolling();
    if (onConnection) onConnection(false);
    // The server said goodbye (it is shutting down): socket.io will not retry by itself.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
  });
  socket.on("connect_error", () => {
    startPolling();
    if (onConnection) onConnection(false);
    // A WebSocket that closes before it opens (a proxy refusing it) is no "error" to engine.io,
    // so tryAllTransports does not help: start the next attempts with long-polling, which
    // upgrades to a WebSocket by itself wherever one can open.
    socket.io.opts.transports = ["polling", "websocket"];
  });
  socket.on("snapshot", (snapshot) => {
    // A full snapshot (on connect, reconnect or request) covers every event up to its number:
    // those are not replayed, so a reconnect never repeats an announcement.
    lastEventSequence = Math.max(lastEventSequence, snapshot.sequence);
    for (const sequence of [...early.keys()]) if (sequence <= lastEventSequence) early.delete(sequence);
    apply(snapshot);
    drain();
  });

  // Events are handled strictly in sequence order. One that arrives ahead of a missing one
  // waits a moment for it; if the gap does not fill, a fresh snapshot covers what was missed.
  const early = new Map();  // sequence -> event that came before its predecessor
  const gapWaitMilliseconds = 1500;
  let gapTimer = null;

  function handle(event) {
    lastEventSequence = event.sequence;
    if (onEvent) onEvent(event);
    if (event.snapshot) {
      apply(event.snapshot);
    } else if (event.delta) {
      if (current !== null && current.sequence === event.delta.base) {
        apply(window.JonoDelta.apply(current, event.delta.change));
      } else if (lastSequence < event.sequence) {
        // Built on a state this page does not hold (it connected mid-batch): ask for the whole.
        socket.emit("request_snapshot", { service_point: servicePoint });
      }
    }
  }

  function drain() {
    while (early.has(lastEventSequence + 1)) {
      const event = early.get(lastEventSequence + 1);
      early.delete(event.sequence);
      handle(event);
    }
    if (early.size === 0 && gapTimer !== null) { clearTimeout(gapTimer); gapTimer = null; }
  }

  socket.on("queue_event", (event) => {
    if (event.sequence <= lastEventSequence) return;  // already handled or covered by a snapshot
    if (lastEventSequence < 0 || event.sequence === lastEventSequence + 1) {
      handle(event);
      drain();
      return;
    }
    early.set(event.sequence, event);
    if (gapTimer === null) {
      gapTimer = setTimeout(() => {
        gapTimer = null;
        if (early.size === 0) return;
        // Give up on the missing ones: handle what came, then ask for the full state.
        for (const sequence of [...early.keys()].sort((a, b) => a - b)) {
          const waitingEvent = early.get(sequence);
          early.delete(sequence);
          if (sequence > lastEventSequence) handle(waitingEvent);
        }
        socket.emit("request_snapshot", { service_point: servicePoint });
      }, gapWaitMilliseconds);
    }
  });
  startPolling();  // until the socket says it is connected
};
