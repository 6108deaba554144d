// Phone status page: follows one waiting number live and alerts (sound, vibration, a banner)
// when it is called, and to which counter. No login: the token in the address is the key.
(function () {
  "use strict";
  const root = document.getElementById("phone");
  const data = JSON.parse(document.getElementById("phone-data").textContent);
  const text = data.text;
  const token = root.dataset.token;
  let status = data.status;
  let openCounters = data.open_counters;
  let alertsOn = false;
  let alertedSequence = null;
  let refreshing = false;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // "45 min", "3 h 12 min", "2 h": as the server writes waits (printers.wording.format_wait).
  function formatWait(minutes) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (!hours) return rest + " min";
    return rest ? hours + " h " + rest + " min" : hours + " h";
  }

  // With none of the counters of its queue open, nobody can say how long the wait is.
  function isServed() {
    const counters = data.queue_counters[status.queue] || [];
    return openCounters.some((counter) => counters.includes(counter));
  }

  function render() {
    const isWaiting = status.status === "waiting";
    const isNext = status.people_ahead === 0;
    const isServedNow = isServed();
    document.getElementById("ticket-status").textContent = text[status.status] || "";
    document.getElementById("waiting-facts").hidden = !isWaiting;
    // Nobody ahead: the words get the whole width, and no "0 min" is promised.
    document.getElementById("people-ahead-fact").classList.toggle("phone-fact-wide", isNext);
    document.getElementById("people-ahead").textContent =
      isNext ? text.nobody_ahead : String(status.people_ahead);
    document.getElementById("estimated-wait-fact").hidden = isNext && isServedNow;
    document.getElementById("estimated-wait-fact").classList.toggle("phone-fact-wide", !isServedNow || isNext);
    document.getElementById("estimated-wait").textContent = isServedNow
      ? format(text.estimate, { wait: formatWait(status.estimated_wait_minutes) })
      : text.no_estimate;
    // Sound and "keep this page open" only while there is a call to wait for.
    document.getElementById("follow").hidden = !(isWaiting || status.status === "called");
    const names = data.queue_names[status.queue];
    if (names) document.getElementById("ticket-queue").textContent = names[data.language] || names.en;
    const isCalled = status.status === "called";
    document.getElementById("called-alert").hidden = !isCalled;
    if (isCalled) {
      document.getElementById("alert-text").textContent =
        format(text.go_to_counter, { counter: status.counter });
    }
    document.title = (isCalled ? "(!) " : "") + status.number;
  }

  function alertPerson() {
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    if (alertsOn) new Audio("/api/v1/speech/chime").play().catch(() => {});
  }

  // The snapshot lists every waiting and called number of the service point: enough to follow
  // this one without asking the server. Anything else (finished, gone) asks the status API.
  function fromSnapshot(snapshot) {
    for (const queue of snapshot.queues) {
      const index = queue.waiting.findIndex((waiting) => waiting.number === status.number);
      if (index >= 0) {
        return { status: "waiting", queue: queue.id, people_ahead: index, counter: null,
          estimated_wait_minutes: Math.ceil(index * queue.minutes_per_customer) };
      }
    }
    const active = snapshot.now_serving.find((serving) => serving.number === status.number);
    if (active) {
      return { status: active.status, queue: active.queue, people_ahead: 0,
        estimated_wait_minutes: 0, counter: active.counter };
    }
    return null;
  }

  function update(next) {
    const wasCalled = status.status === "called";
    status = Object.assign({}, status, next);
    render();
    if (!wasCalled && status.status === "called" && alertedSequence === null) alertPerson();
  }

  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      const response = await fetch("/api/v1/ticket-status/" + encodeURIComponent(token) +
        "?lang=" + data.language, { cache: "no-store" });
      if (response.ok) update(await response.json());
    } catch (error) {
      /* offline: the next snapshot tries again */
    } finally {
      refreshing = false;
    }
  }

  function onSnapshot(snapshot) {
    openCounters = snapshot.open_counters;
    const next = fromSnapshot(snapshot);
    if (next) update(next);
    else if (status.status === "waiting" || status.status === "called" || status.status === "serving") refresh();
  }

  function onEvent(event) {
    const isCall = event.type === "TicketCalled" || event.type === "TicketRecalled";
    if (!isCall || !event.ticket || event.ticket.number !== status.number) return;
    // Every call and recall alerts once, even when the snapshot already said "called".
    alertedSequence = event.sequence;
    status = Object.assign({}, status, { status: "called", counter: event.counter });
    render();
    alertPerson();
  }

  document.getElementById("enable-alerts").addEventListener("click", (event) => {
    alertsOn = true;
    event.currentTarget.setAttribute("aria-pressed", "true");
    event.currentTarget.textContent = text.sound_on;
    new Audio("/api/v1/speech/chime").play().catch(() => {});  // unlocks sound on phones
    if (navigator.vibrate) navigator.vibrate(100);
  });

  render();
  window.JonoLive(root.dataset.servicePoint, onSnapshot, onEvent, (isConnected) => {
    document.getElementById("connection").hidden = isConnected;
    document.body.dataset.live = isConnected ? "connected" : "offline";
  });
})();
