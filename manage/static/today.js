// The manager's Today page, live: it listens to the service point's public live events
// (JonoLive, shared/web/static/live.js: Socket.IO, or polling of the snapshot when the socket is
// down) and, a moment after anything changed, fetches getTodayOverview again and writes the new
// figures into the page's elements marked data-field. Failed messages raise no live event, so
// the figures are also fetched once a minute. The fetches are marked as background refreshes:
// a page left open does not keep the manager's session alive.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("today-data").textContent);
  const texts = data.texts;
  const overviewUrl =
    "/api/v1/service-points/" + encodeURIComponent(data.service_point) + "/statistics/today";
  const debounceMilliseconds = 400;
  const everyMinute = 60000;
  const counts = new Intl.NumberFormat(data.locale, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(data.locale, { style: "percent", maximumFractionDigits: 0 });
  let refreshTimer = null;
  let lastSequence = -1;
  let fetching = false;
  let again = false;

  // A wait as every screen writes it (printers/wording.py format_wait): "45 min", "3 h 12 min".
  function wait(seconds) {
    if (seconds === null || seconds === undefined) return texts.none;
    if (seconds > 0 && seconds < 60) return "< 1 min";
    const total = Math.round(seconds / 60);
    const hours = Math.floor(total / 60);
    const rest = total % 60;
    if (!hours) return rest + " min";
    return rest ? hours + " h " + rest + " min" : hours + " h";
  }

  function share(value) {
    return value === null || value === undefined ? texts.none : percent.format(value);
  }

  function write(container, field, text) {
    const element = container.querySelector('[data-field="' + field + '"]');
    if (element && element.textContent !== text) element.textContent = text;
  }

  function clockTime(isoMoment) {
    const parts = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: data.zone,
    }).formatToParts(new Date(isoMoment));
    const part = (type) => parts.find((item) => item.type === type).value;
    const separator = data.locale.startsWith("en") ? ":" : ".";
    const hour = data.locale.startsWith("en") ? part("hour") : String(Number(part("hour")));
    return hour + separator + part("minute");
  }

  function cell(row, text, isHeading) {
    const element = document.createElement(isHeading ? "th" : "td");
    if (isHeading) element.scope = "row";
    element.textContent = text;
    row.appendChild(element);
  }

  function showCounters(counters) {
    const table = document.getElementById("today-counters");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const counter of counters) {
      const row = document.createElement("tr");
      cell(row, String(counter.counter), true);
      cell(row, counter.clerk || texts.none);
      cell(row, counter.serving_number || texts.none);
      cell(row, counter.queues.map((queue) => data.queue_names[queue] || queue).join(", "));
      body.appendChild(row);
    }
    table.hidden = counters.length === 0;
    document.getElementById("today-no-counters").hidden = counters.length !== 0;
  }

  function show(overview) {
    const main = document.getElementById("manage-main");
    for (const field of ["served", "no_shows", "called", "called_within_target",
      "failed_prints", "failed_messages"]) {
      write(main, field, counts.format(overview[field]));
    }
    write(main, "service_level", share(overview.service_level));
    for (const field of Object.keys(overview.appointments)) {
      write(main, "appointments." + field, counts.format(overview.appointments[field]));
    }
    for (const queue of overview.queues) {
      const row = document.querySelector('#today-queues tr[data-queue="' + queue.queue + '"]');
      if (!row) continue;
      for (const field of ["waiting", "called", "called_within_target", "served"]) {
        write(row, field, counts.format(queue[field]));
      }
      write(row, "longest_wait_seconds", wait(queue.longest_wait_seconds));
    }
    showCounters(overview.counters);
    document.getElementById("today-updated").textContent =
      texts.updated.replace("{time}", clockTime(overview.at));
  }

  async function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const response = await fetch(overviewUrl, {
        headers: { Accept: "application/json", "X-Jono-Background": "1" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.status === 401) { window.location.reload(); return; }
      if (response.ok) show(await response.json());
    } catch (error) {
      /* offline: the next change or the minute's refresh tries again */
    } finally {
      fetching = false;
      if (again) { again = false; schedule(); }
    }
  }

  // Many events come in bursts (a call, then its delta): one fetch after the burst.
  function schedule() {
    if (refreshTimer !== null) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, debounceMilliseconds);
  }

  function onSnapshot(snapshot) {
    if (snapshot.sequence === lastSequence) return;  // a poll of the same state
    const isFirst = lastSequence < 0;
    lastSequence = snapshot.sequence;
    if (!isFirst) schedule();
  }

  function onConnection(isLive) {
    document.getElementById("today-connection").textContent = isLive ? texts.live : texts.offline;
    if (isLive) schedule();  // whatever happened while the socket was down
  }

  window.JonoLive(data.service_point, onSnapshot, schedule, onConnection);
  setInterval(refresh, everyMinute);
})();
