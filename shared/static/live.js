// Live state of a service point for every page: Socket.IO first, polling the same snapshot when
// the socket is down. Calls onSnapshot(snapshot) with every newer state and onEvent(event) for
// each change in order. A gap in the sequence numbers asks the server for a fresh snapshot.
window.JonoLive = function (servicePoint, onSnapshot, onEvent, onConnection) {
  "use strict";
  const snapshotUrl = "/api/v1/service-points/" + encodeURIComponent(servicePoint) + "/snapshot";
  const pollMilliseconds = 5000;
  let lastSequence = -1;        // of the newest snapshot shown
  let lastEventSequence = -1;   // of the newest event handled
  let pollTimer = null;

  function apply(snapshot) {
    if (snapshot.sequence < lastSequence) return;
    lastSequence = snapshot.sequence;
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
  const socket = window.io({ auth: { service_point: servicePoint }, transports: ["websocket", "polling"] });
  socket.on("connect", () => { stopPolling(); if (onConnection) onConnection(true); });
  socket.on("disconnect", () => { startPolling(); if (onConnection) onConnection(false); });
  socket.on("connect_error", () => { startPolling(); if (onConnection) onConnection(false); });
  socket.on("snapshot", (snapshot) => {
    // A full snapshot (on connect, reconnect or request) covers every event up to its number:
    // those are not replayed, so a reconnect never repeats an announcement.
    lastEventSequence = Math.max(lastEventSequence, snapshot.sequence);
    apply(snapshot);
  });
  socket.on("queue_event", (event) => {
    if (event.sequence <= lastEventSequence) return;  // already handled
    const isGap = lastEventSequence >= 0 && event.sequence > lastEventSequence + 1 &&
      event.sequence > lastSequence + 1;
    lastEventSequence = event.sequence;
    if (onEvent) onEvent(event);
    apply(event.snapshot);
    if (isGap) socket.emit("request_snapshot", { service_point: servicePoint });
  });
  startPolling();  // until the socket says it is connected
};
