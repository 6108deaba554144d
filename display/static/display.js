// Lobby display: the current call large, the recent calls, each queue's waiting count and
// estimate, and a chime plus a spoken call-out for every call and recall (never twice).
// The labels and the info message take turns in Finnish, Swedish and English, as the calls are
// spoken in several languages; dates, times and waits are written as the server writes them.
(function () {
  "use strict";
  const root = document.getElementById("display");
  const settings = JSON.parse(document.getElementById("display-config").textContent);
  const texts = settings.texts;
  const shownQueues = new Set(settings.queues);
  const announced = new Set();  // event sequence numbers already queued for announcement
  const servicePoint = root.dataset.servicePoint;
  const RECENT_ROWS = 7;  // the snapshot's eight calls: the current one and seven before it
  // The page's own language first, then the others in their usual order.
  const allLanguages = Object.keys(texts);
  const start = Math.max(0, allLanguages.indexOf(settings.language));
  const languages = allLanguages.slice(start).concat(allLanguages.slice(0, start));
  let shown = languages[0];
  let languageTimer = null;
  let lastSnapshot = null;

  const announcer = window.JonoAnnouncer(servicePoint, settings.announcement_languages, (call) => {
    flash();
    document.getElementById("announcement").textContent =
      format(texts[settings.language].announcement, { number: call.number, counter: call.counter });
  });

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  function text(key) {
    return texts[shown][key];
  }

  function queueName(queueId) {
    const names = settings.queue_names[queueId] || {};
    return names[shown] || names.en || queueId;
  }

  // The parts of `moment` on the service point's clock, whatever the browser's zone.
  const partsFormat = new Intl.DateTimeFormat("en-GB", {
    timeZone: settings.timezone, year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", hourCycle: "h23",
  });
  function localParts(moment) {
    const parts = {};
    for (const part of partsFormat.formatToParts(moment)) parts[part.type] = Number(part.value);
    const weekday = (new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay() + 6) % 7;
    return { ...parts, weekday: weekday };  // weekday 0 is Monday, as Babel counts
  }

  // "tiistaina 1. joulukuuta", "tisdag 1 december", "Tuesday 1 December": Babel's words and
  // patterns from the server (shared.web.i18n.calendar_words).
  function formatDay(parts) {
    const calendar = text("calendar");
    return format(calendar.day, {
      weekday: calendar.weekdays[parts.weekday], day: parts.day, month: calendar.months[parts.month - 1],
    });
  }

  // 21.15 in Finnish and Swedish, 21:15 in English: 24-hour everywhere.
  function formatTime(parts, language) {
    const pad = (value) => String(value).padStart(2, "0");
    return format(texts[language || shown].calendar.time, {
      H: parts.hour, HH: pad(parts.hour), mm: pad(parts.minute),
    });
  }

  // "45 min", "3 h 12 min", "2 h": as printers.wording.format_wait.
  function formatWait(minutes) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (!hours) return rest + " min";
    return rest ? hours + " h " + rest + " min" : hours + " h";
  }

  // Closed (a holiday, a weekend, after hours): say so, and when it opens next.
  function renderHours(hours) {
    const notice = document.getElementById("closed-notice");
    notice.hidden = hours.is_open;
    if (hours.is_open) return;
    if (!hours.next_opens_at) { notice.textContent = text("closed"); return; }
    const next = localParts(new Date(hours.next_opens_at));
    notice.textContent = format(text("closed_until"), { day: formatDay(next), time: formatTime(next) });
  }

  // With none of its counters open, a queue's wait cannot be estimated: say so, not "0 min".
  function isServed(snapshot, queueId) {
    const counters = settings.queue_counters[queueId] || [];
    return snapshot.open_counters.some((counter) => counters.includes(counter));
  }

  function estimateText(snapshot, queue) {
    if (!isServed(snapshot, queue.id)) return text("no_counter_open");
    if (!queue.waiting_count) return text("no_wait");
    return format(text("estimate"), { wait: formatWait(queue.estimated_wait_minutes) });
  }

  // The screen never scrolls: the rows are sized to fit; should one not, drop the oldest.
  function fitRecentCalls() {
    const list = document.getElementById("recent-calls");
    while (list.lastElementChild && list.scrollHeight > list.clientHeight) {
      list.lastElementChild.remove();
    }
  }

  function render(snapshot) {
    lastSnapshot = snapshot;
    renderHours(snapshot.hours);
    const calls = snapshot.recent_calls.filter((call) => shownQueues.has(call.queue));
    const latest = calls[0];
    document.getElementById("current-empty").hidden = Boolean(latest);
    document.getElementById("current-line").hidden = !latest;
    document.getElementById("current-number").textContent = latest ? latest.number : "";
    document.getElementById("current-counter").textContent = latest ? String(latest.counter) : "";

    document.getElementById("recent-calls").replaceChildren(...calls.slice(1, 1 + RECENT_ROWS).map((call) => {
      const item = document.createElement("li");
      const number = document.createElement("span");
      number.className = "recent-number";
      number.textContent = call.number;
      const counter = document.createElement("span");
      counter.className = "recent-counter";
      counter.textContent = text("counter") + " " + call.counter;
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
        const wait = document.createElement("span");
        wait.className = "queue-wait";
        wait.textContent = estimateText(snapshot, queue);
        estimate.append(text("waiting") + " · ", wait);
        item.append(name, count, estimate);
        return item;
      }));
    fitRecentCalls();
  }

  // Show every label in `language` until the next turn (also for a test that must see one).
  function showLanguage(language) {
    if (!texts[language]) return;
    shown = language;
    document.documentElement.lang = language;
    for (const element of document.querySelectorAll("[data-text]")) {
      element.textContent = text(element.dataset.text);
    }
    document.getElementById("display-queues").setAttribute("aria-label", text("queues"));
    for (const mark of document.querySelectorAll("#display-languages [data-language]")) {
      mark.classList.toggle("is-shown", mark.dataset.language === language);
    }
    if (lastSnapshot) render(lastSnapshot);
    clearTimeout(languageTimer);
    languageTimer = setTimeout(() => {
      showLanguage(languages[(languages.indexOf(shown) + 1) % languages.length]);
    }, settings.language_seconds * 1000);
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

  // The clock keeps the page's own way of writing the time: it does not change look each turn.
  function tick() {
    document.getElementById("clock").textContent =
      formatTime(localParts(new Date()), settings.language);
  }
  tick();
  setInterval(tick, 5000);
  showLanguage(shown);

  // For a screen test: one language shown now, or one state drawn now (both as live ones are).
  window.JonoDisplay = { showLanguage: showLanguage, render: render, languages: languages };
  window.JonoLive(servicePoint, render, onEvent, onConnection);
})();
