// Lobby display: the current call large, the recent calls, each queue's waiting count and
// estimate, and a chime plus a spoken call-out for every call and recall (never twice).
(function () {
  "use strict";
  const root = document.getElementById("display");
  const settings = JSON.parse(document.getElementById("display-config").textContent);
  const text = settings.text;
  const shownQueues = new Set(settings.queues);
  const announced = new Set();  // event sequence numbers already queued for announcement
  const servicePoint = root.dataset.servicePoint;
  const announcer = window.JonoAnnouncer(servicePoint, settings.announcement_languages, (call) => {
    flash();
    document.getElementById("announcement").textContent =
      format(text.announcement, { number: call.number, counter: call.counter });
  });

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  function queueName(queueId) {
    const names = settings.queue_names[queueId] || {};
    return names[settings.language] || names.en || queueId;
  }

  // English dates as read in Finland (2.12.), not the US order.
  const dateLocale = settings.language === "en" ? "en-GB" : settings.language;

  // Closed (a holiday, a weekend, after hours): say so, and when it opens next.
  function renderHours(hours) {
    const notice = document.getElementById("closed-notice");
    notice.hidden = hours.is_open;
    if (hours.is_open) return;
    if (!hours.next_opens_at) { notice.textContent = text.closed; return; }
    const next = new Date(hours.next_opens_at);
    const local = { timeZone: settings.timezone };
    notice.textContent = format(text.closed_until, {
      day: next.toLocaleDateString(dateLocale, { ...local, weekday: "long", day: "numeric", month: "numeric" }),
      time: next.toLocaleTimeString(dateLocale, { ...local, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
    });
  }

  // Waits above an hour in hours and minutes ("about 3 h 10 min"), as the kiosk shows them.
  function formatWait(minutes) {
    if (minutes < 60) return format(text.estimate, { minutes: minutes });
    return format(text.estimate_hours, { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }

  // The screen never scrolls: drop the oldest recent calls until the list fits its panel.
  function fitRecentCalls() {
    const list = document.getElementById("recent-calls");
    while (list.lastElementChild && list.scrollHeight > list.clientHeight) {
      list.lastElementChild.remove();
    }
  }

  let lastSnapshot = null;

  function render(snapshot) {
    lastSnapshot = snapshot;
    renderHours(snapshot.hours);
    const calls = snapshot.recent_calls.filter((call) => shownQueues.has(call.queue));
    const latest = calls[0];
    document.getElementById("current-empty").hidden = Boolean(latest);
    document.getElementById("current-line").hidden = !latest;
    document.getElementById("current-number").textContent = latest ? latest.number : "";
    document.getElementById("current-counter").textContent = latest ? String(latest.counter) : "";

    document.getElementById("recent-calls").replaceChildren(...calls.slice(1).map((call) => {
      const item = document.createElement("li");
      const number = document.createElement("span");
      number.className = "recent-number";
      number.textContent = call.number;
      const counter = document.createElement("span");
      counter.textContent = text.counter + " " + call.counter;
      item.append(number, counter);
      return item;
    }));

    // Every queue the display shows keeps its tile, also at 0, so the layout never jumps.
    document.getElementById("queue-counts").replaceChildren(...snapshot.queues
      .filter((queue) => shownQueues.has(queue.id))
      .map((queue) => {
        const item = document.createElement("li");
        item.dataset.queue = queue.id;
        const name = document.createElement("span");
        name.className = "queue-name";
        name.textContent = queueName(queue.id);
        const count = document.createElement("span");
        count.className = "queue-count";
        count.textContent = String(queue.waiting_count);
        const estimate = document.createElement("span");
        estimate.className = "queue-estimate";
        estimate.textContent = text.waiting + " · " + (queue.waiting_count
          ? formatWait(queue.estimated_wait_minutes) : text.no_wait);
        item.append(name, count, estimate);
        return item;
      }));
    fitRecentCalls();
  }

  window.addEventListener("resize", () => { if (lastSnapshot) render(lastSnapshot); });

  function onEvent(event) {
    const isCall = event.type === "TicketCalled" || event.type === "TicketRecalled";
    if (!isCall || !event.ticket || !shownQueues.has(event.ticket.queue)) return;
    if (announced.has(event.sequence)) return;
    announced.add(event.sequence);
    announcer.announce({ number: event.ticket.number, counter: event.counter });
  }

  function flash() {
    const box = document.getElementById("current-call");
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation
    box.classList.add("flash");
  }

  function onConnection(isConnected) {
    document.getElementById("connection").hidden = isConnected;
    document.body.dataset.live = isConnected ? "connected" : "offline";
  }

  function tick() {
    document.getElementById("clock").textContent = new Date().toLocaleTimeString(settings.language, {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: settings.timezone,
    });
  }
  tick();
  setInterval(tick, 5000);

  window.JonoLive(root.dataset.servicePoint, render, onEvent, onConnection);
})();
