// Counter screen: log in, choose a counter, then call and serve numbers. The server decides which
// counter the clerk is at; this page only shows what the API answers and the live snapshot, and
// the kiosk language of each waiting number (listWaitingTickets: the public snapshot has none).
(function () {
  "use strict";
  const text = JSON.parse(document.getElementById("counter-text").textContent);
  const $ = (id) => document.getElementById(id);
  let seat = null;          // {service_point, counter}
  let current = null;       // the counter's current ticket
  let live = null;
  let lastSeen = Date.now();  // when the page last told the server the clerk is here
  let snapshotShown = null;  // the latest snapshot, re-rendered as the waiting times grow
  let serverOffset = 0;      // the server's clock minus this browser's, in milliseconds
  const languages = new Map();  // ticket id -> kiosk language (a number's never changes)
  let fetchingLanguages = false;
  const ACTIVITY_MILLISECONDS = 5 * 60 * 1000;
  const WAIT_REFRESH_MILLISECONDS = 30 * 1000;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  async function api(method, path, body, isBackground) {
    let response;
    if (!isBackground) lastSeen = Date.now();
    try {
      response = await fetch("/api/v1" + path + "?lang=" + text.language, {
        method: method,
        headers: Object.assign(body ? { "Content-Type": "application/json" } : {},
          window.JonoSession.headers(method, isBackground)),
        body: body ? JSON.stringify(body) : undefined,
        credentials: "same-origin",
      });
    } catch (error) {
      return { ok: false, status: 0, data: { error: { message: text.network_error } } };
    }
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data: data };
  }

  function showPanel(id) {
    ["panel-login", "panel-choose", "workspace"].forEach((panel) => { $(panel).hidden = panel !== id; });
    $("counter-tabs").hidden = id !== "workspace";
    $("logout").hidden = id === "panel-login";
  }

  // The two tabs (the queue, appointments): arrow keys move between them, as in any tab list.
  const TABS = { "tab-queue": "panel-work", "tab-appointments": "panel-appointments" };
  function showTab(tabId) {
    Object.entries(TABS).forEach(([tab, panel]) => {
      const isChosen = tab === tabId;
      $(tab).setAttribute("aria-selected", String(isChosen));
      $(tab).tabIndex = isChosen ? 0 : -1;
      $(panel).hidden = !isChosen;
    });
  }
  Object.keys(TABS).forEach((tab) => {
    $(tab).addEventListener("click", () => showTab(tab));
    $(tab).addEventListener("keydown", (event) => {
      if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
      event.preventDefault();
      const other = Object.keys(TABS).find((id) => id !== tab);
      showTab(other);
      $(other).focus();
    });
  });

  function say(id, result) {
    const line = $(id);
    line.textContent = result.ok ? "" : (result.data.error && result.data.error.message) || "";
    line.classList.toggle("error", !result.ok);
  }

  // Offer only the service points the clerk's account may work at.
  function keepPoints(selectId, points) {
    $(selectId).querySelectorAll("option").forEach((option) => {
      if (!points.includes(option.value)) option.remove();
    });
  }

  function showLogin() {
    window.JonoSession.setToken(null);
    showPanel("panel-login");
    $("login-username").focus();
  }

  async function load() {
    const state = await api("GET", "/counter");
    if (state.status === 401) { showLogin(); return; }
    if (!state.ok) { showPanel("panel-login"); say("login-status", state); return; }
    window.JonoSession.setToken(state.data.csrf_token);
    keepPoints("choose-service-point", state.data.clerk.service_points);
    keepPoints("book-service-point", state.data.clerk.service_points);
    if (!state.data.counter) { showPanel("panel-choose"); fillCounters(); return; }
    seat = { service_point: state.data.service_point, counter: state.data.counter };
    $("bar-place").textContent = "· " + format(text.place, {
      service_point: $("choose-service-point").querySelector(`option[value="${seat.service_point}"]`).textContent,
      counter: seat.counter,
    });
    showCurrent(state.data.current_ticket);
    showPanel("workspace");
    if (!live) live = window.JonoLive(seat.service_point, renderSnapshot, null, showConnection);
  }

  function queueNames(queues) {
    return queues.map((queue) => text.queue_names[queue] || queue).join(", ");
  }

  // The counters of the chosen point: what each calls, and who holds it (listCounters). The
  // page's own list first, so the choice is there at once; who holds what as soon as it comes.
  let seats = [];
  async function fillCounters() {
    const point = $("choose-service-point").value;
    showCounters(Object.entries(text.counters[point] || {}).map(
      ([number, queues]) => ({ number: Number(number), queues: queues, clerk: null, is_mine: false })));
    const result = await api("GET", "/service-points/" + encodeURIComponent(point) + "/counters");
    if (result.ok && point === $("choose-service-point").value) showCounters(result.data.counters);
  }

  function showCounters(counters) {
    const chosen = $("choose-counter").value;
    seats = counters;
    $("choose-counter").replaceChildren(...seats.map((desk) => {
      const option = document.createElement("option");
      option.value = desk.number;
      option.textContent = desk.clerk && !desk.is_mine
        ? format(text.counter_option_taken, { number: desk.number, clerk: desk.clerk })
        : format(text.counter_option, { number: desk.number });
      return option;
    }));
    const firstFree = seats.find((desk) => !desk.clerk || desk.is_mine);
    if (seats.some((desk) => String(desk.number) === chosen)) $("choose-counter").value = chosen;
    else if (firstFree) $("choose-counter").value = firstFree.number;
    $("choose-counters").replaceChildren(...seats.map((desk) => {
      const row = document.createElement("tr");
      row.className = desk.is_mine ? "mine" : desk.clerk ? "taken" : "free";
      [
        format(text.counter_option, { number: desk.number }),
        queueNames(desk.queues),
        desk.is_mine ? text.mine : desk.clerk ? format(text.taken_by, { clerk: desk.clerk }) : text.free,
      ].forEach((value) => cell(row, value));
      return row;
    }));
    describeCounter();
  }

  function describeCounter() {
    const desk = seats.find((one) => String(one.number) === $("choose-counter").value);
    $("choose-counter-hint").textContent = desk ? format(text.calls_from, { queues: queueNames(desk.queues) }) +
      (desk.clerk && !desk.is_mine ? " · " + format(text.taken_by, { clerk: desk.clerk }) : "") : "";
  }

  function showConnection(isLive) {
    const badge = $("connection");
    badge.textContent = isLive ? text.live : text.offline;
    badge.classList.toggle("offline", !isLive);
  }

  function describe(key, value) {
    if (typeof value === "boolean") return value ? text.yes : text.no;
    if (key === "matter") return text.categories[value] || value;
    if (key === "reasons") return value.map((reason) => text.reasons[reason] || reason).join(", ");
    return String(value);
  }

  const ANSWER_ORDER = [
    "matter", "party_size", "expiry", "passport_issued_by_finland", "no_expiring_document",
    "found_appointment", "can_use_online_booking", "reasons",
  ];

  function showCurrent(ticket) {
    current = ticket;
    $("current-number").textContent = ticket ? ticket.number : "–";
    $("current-status").textContent = ticket ? (text.statuses[ticket.status] || ticket.status) +
      " · " + (text.queue_names[ticket.queue] || ticket.queue) +
      (ticket.party_size > 1 ? " · " + text.labels.party_size + " " + ticket.party_size : "") : "";
    $("current-language").hidden = !ticket;
    $("current-language").textContent = ticket ? format(text.kiosk_language, {
      language: text.language_names[ticket.language] || ticket.language,
    }) : "";
    const answers = $("current-answers");
    answers.replaceChildren();
    if (ticket) {
      const given = Object.assign({}, ticket.triage_answers);
      if (given.expiry_year && given.expiry_month) {
        given.expiry = String(given.expiry_month).padStart(2, "0") + "/" + given.expiry_year;
      }
      // In the order the kiosk asks (the page's texts come with their keys sorted).
      ANSWER_ORDER.filter((key) => key in text.labels).forEach((key) => {
        if (given[key] === undefined || given[key] === null || given[key] === false && key === "no_expiring_document") return;
        const term = document.createElement("dt");
        term.textContent = text.labels[key];
        const detail = document.createElement("dd");
        detail.textContent = describe(key, given[key]);
        answers.append(term, detail);
      });
    }
    $("current-answers-box").hidden = !answers.children.length;  // no empty heading
    const has = (statuses) => Boolean(ticket && statuses.includes(ticket.status));
    $("action-call-next").disabled = Boolean(ticket);
    $("action-recall").disabled = !has(["called"]);
    $("action-start").disabled = !has(["called"]);
    $("action-no-show").disabled = !has(["called"]);
    $("action-finish").disabled = !has(["called", "serving"]);
    $("action-return").disabled = !has(["called", "serving"]);
    $("action-transfer").disabled = !ticket;
    if (snapshotShown) renderQueues(snapshotShown);  // out-of-turn calls only while free
  }

  // The kiosk printer: an alert while it is down or out of paper, and a reprint per number
  // whose slip did not come out (the customer has it on the kiosk screen only).
  function renderPrinter(snapshot) {
    const printer = snapshot.printer || {};
    const unprinted = snapshot.failed_prints || [];
    const isDown = ["offline", "paper_out"].includes(printer.status);
    $("printer-alert").hidden = !printer.has_printer || (!isDown && !unprinted.length);
    $("printer-alert-detail").textContent = text.printer_statuses[printer.status] || "";
    $("failed-prints").replaceChildren(...unprinted.map((ticket) => {
      const item = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = ticket.number + " ";
      item.append(label);
      if (ticket.status === "waiting") {
        const reprint = document.createElement("button");
        reprint.className = "button";
        reprint.textContent = text.reprint;
        reprint.addEventListener("click", async () => {
          reprint.disabled = true;
          say("action-status", await api("POST", "/tickets/" + ticket.id + "/reprint"));
        });
        item.append(reprint);
      }
      return item;
    }));
  }

  function renderSnapshot(snapshot) {
    snapshotShown = snapshot;
    renderQueues(snapshot);
    renderPrinter(snapshot);
    learnLanguages(snapshot);
  }

  // The kiosk languages of numbers this page has not seen yet, from the clerk-only list.
  async function learnLanguages(snapshot) {
    const unknown = snapshot.queues.some((queue) => queue.waiting.some((ticket) => !languages.has(ticket.id)));
    if (!unknown || fetchingLanguages) return;
    fetchingLanguages = true;
    const result = await api("GET", "/counter/waiting", undefined, true);
    fetchingLanguages = false;
    if (!result.ok) return;
    serverOffset = Date.parse(result.data.now) - Date.now();
    result.data.tickets.forEach((ticket) => languages.set(ticket.id, ticket.language));
    if (snapshotShown) renderQueues(snapshotShown);
  }

  // "12 min", "3 h 12 min": a wait in whole minutes.
  function formatWait(milliseconds) {
    const minutes = Math.max(0, Math.floor(milliseconds / 60000));
    if (minutes < 60) return format(text.wait_minutes, { minutes: minutes });
    return format(text.wait_hours, { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }

  function servedQueues() {
    const mine = seat && text.counters[seat.service_point] && text.counters[seat.service_point][seat.counter];
    return mine || [];
  }

  function cell(row, value) {
    const item = document.createElement("td");
    item.textContent = value;
    row.append(item);
    return item;
  }

  function renderQueues(snapshot) {
    const now = Date.now() + serverOffset;
    const mine = servedQueues();
    // The counter's own queues first, in its calling order; the others after them.
    const queues = [...snapshot.queues].sort((a, b) =>
      (mine.includes(a.id) ? mine.indexOf(a.id) : 99) - (mine.includes(b.id) ? mine.indexOf(b.id) : 99));
    $("queue-summaries").replaceChildren(...queues.map((queue) => {
      const item = document.createElement("li");
      item.className = "queue-summary" + (mine.includes(queue.id) ? "" : " other-queue");
      item.dataset.queue = queue.id;
      const name = document.createElement("strong");
      name.textContent = text.queue_names[queue.id] || queue.id;
      const count = document.createElement("span");
      count.className = "queue-count numeric";
      count.textContent = format(text.waiting_count, { count: queue.waiting_count });
      item.append(name, count);
      if (queue.waiting.length) {
        const oldest = Math.min(...queue.waiting.map((ticket) => Date.parse(ticket.queued_at)));
        const longest = document.createElement("span");
        longest.className = "queue-longest";
        longest.textContent = format(text.longest_wait, { wait: formatWait(now - oldest) });
        item.append(longest);
      }
      if (!mine.includes(queue.id)) {
        const hint = document.createElement("p");
        hint.className = "form-hint";
        hint.textContent = text.other_counters;
        item.append(hint);
      }
      return item;
    }));
    const waiting = snapshot.queues.flatMap((queue) => queue.waiting.map((ticket) =>
      Object.assign({ queue: queue.id }, ticket)));
    waiting.sort((a, b) => Date.parse(a.queued_at) - Date.parse(b.queued_at) || a.id - b.id);
    $("waiting-total").textContent = "(" + waiting.length + ")";
    $("waiting-empty").hidden = waiting.length > 0;
    $("waiting-rows").replaceChildren(...waiting.map((ticket) => {
      const row = document.createElement("tr");
      row.dataset.ticketId = ticket.id;
      if (!mine.includes(ticket.queue)) row.className = "other-queue";
      cell(row, ticket.number);
      cell(row, text.queue_names[ticket.queue] || ticket.queue);
      cell(row, String(ticket.party_size)).className = "numeric";
      const language = languages.get(ticket.id);
      cell(row, language ? text.language_names[language] || language : "");
      cell(row, formatWait(now - Date.parse(ticket.queued_at))).className = "numeric";
      const actions = cell(row, "");
      if (!current) {  // calling out of turn: a quiet row action, only while the counter is free
        const call = document.createElement("button");
        call.type = "button";
        call.className = "button button-quiet row-call";
        call.textContent = text.call;
        call.setAttribute("aria-label", format(text.call_number, { number: ticket.number }));
        call.addEventListener("click", () => act("POST", "/tickets/" + ticket.id + "/call"));
        actions.append(call);
      }
      return row;
    }));
  }
  setInterval(() => { if (snapshotShown && seat) renderQueues(snapshotShown); }, WAIT_REFRESH_MILLISECONDS);

  async function act(method, path, body) {
    const result = await api(method, path, body);
    say("action-status", result);
    if (result.ok) {
      const ended = ["finished", "no_show", "waiting"].includes(result.data.status);
      showCurrent(ended ? null : result.data);
    } else if (result.status === 401) {
      window.location.reload();  // the session ended: start again at the login
    } else if (result.status === 409 && result.data.error.code === "no_counter") {
      load();
    }
  }

  const actions = {
    "action-call-next": () => act("POST", "/counter/call-next"),
    "action-recall": () => current && act("POST", "/tickets/" + current.id + "/recall"),
    "action-start": () => current && act("POST", "/tickets/" + current.id + "/start"),
    "action-finish": () => current && act("POST", "/tickets/" + current.id + "/finish"),
    "action-no-show": () => current && act("POST", "/tickets/" + current.id + "/no-show"),
    "action-return": () => current && act("POST", "/tickets/" + current.id + "/return"),
    "action-transfer": () => current &&
      act("POST", "/tickets/" + current.id + "/transfer", { queue: $("transfer-queue").value }),
  };
  Object.entries(actions).forEach(([id, run]) => $(id).addEventListener("click", run));

  document.addEventListener("keydown", (event) => {
    if ($("workspace").hidden || $("panel-work").hidden) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) return;
    const button = document.querySelector(`[data-shortcut="${event.key.toLowerCase()}"]`);
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const ticket = await api("GET", "/session");  // the login's own CSRF token
    if (!ticket.ok) { say("login-status", ticket); return; }
    window.JonoSession.setToken(ticket.data.csrf_token);
    const result = await api("POST", "/session", {
      username: $("login-username").value, password: $("login-password").value,
    });
    say("login-status", result);
    if (result.ok) {
      window.JonoSession.setToken(result.data.csrf_token);
      $("login-password").value = "";
      load();
    }
  });

  // The session ends after a while unused: a clerk at work (typing, clicking) keeps it, and a
  // page whose session ended shows the login again.
  ["keydown", "pointerdown"].forEach((type) => document.addEventListener(type, () => {
    if (!seat || Date.now() - lastSeen < ACTIVITY_MILLISECONDS) return;
    api("GET", "/counter").then((result) => { if (result.status === 401) load(); });
  }));
  document.addEventListener("jono-session-ended", () => { if (seat) window.location.reload(); });

  $("choose-service-point").addEventListener("change", fillCounters);
  $("choose-counter").addEventListener("change", describeCounter);
  $("choose-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("PUT", "/counter", {
      service_point: $("choose-service-point").value, counter: Number($("choose-counter").value),
    });
    say("choose-status", result);
    if (result.ok) load();
  });

  $("logout").addEventListener("click", async () => {
    await api("DELETE", "/session");
    window.location.reload();
  });

  // Without a session the page shows its login at once: asking the counter's state first
  // would only be refused (401), a failure the browser's console would report.
  if (text.signed_in) load(); else showLogin();
})();
