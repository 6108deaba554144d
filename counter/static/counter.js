// Counter screen: log in, choose a counter, then call and serve numbers. The server decides which
// counter the clerk is at; this page only shows what the API answers and the live snapshot.
(function () {
  "use strict";
  const text = JSON.parse(document.getElementById("counter-text").textContent);
  const $ = (id) => document.getElementById(id);
  let seat = null;          // {service_point, counter}
  let current = null;       // the counter's current ticket
  let live = null;
  let lastSeen = Date.now();  // when the page last told the server the clerk is here
  const ACTIVITY_MILLISECONDS = 5 * 60 * 1000;

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
    ["panel-login", "panel-choose", "panel-work"].forEach((panel) => { $(panel).hidden = panel !== id; });
    $("logout").hidden = id === "panel-login";
  }

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

  async function load() {
    const state = await api("GET", "/counter");
    if (state.status === 401) {
      window.JonoSession.setToken(null);
      showPanel("panel-login");
      $("login-username").focus();
      return;
    }
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
    showPanel("panel-work");
    if (!live) live = window.JonoLive(seat.service_point, renderSnapshot, null, showConnection);
  }

  function fillCounters() {
    const numbers = text.counters[$("choose-service-point").value] || [];
    $("choose-counter").replaceChildren(...numbers.map((number) => {
      const option = document.createElement("option");
      option.value = number;
      option.textContent = number;
      return option;
    }));
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
      " · " + (text.queue_names[ticket.queue] || ticket.queue) : "";
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
    const has = (statuses) => Boolean(ticket && statuses.includes(ticket.status));
    $("action-call-next").disabled = Boolean(ticket);
    $("action-recall").disabled = !has(["called"]);
    $("action-start").disabled = !has(["called"]);
    $("action-no-show").disabled = !has(["called"]);
    $("action-finish").disabled = !has(["called", "serving"]);
    $("action-return").disabled = !has(["called", "serving"]);
    $("action-transfer").disabled = !ticket;
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
    renderQueues(snapshot);
    renderPrinter(snapshot);
  }

  function renderQueues(snapshot) {
    const list = $("queue-list");
    const blocks = snapshot.queues.map((queue) => {
      const block = document.createElement("div");
      const title = document.createElement("h3");
      title.textContent = (text.queue_names[queue.id] || queue.id) + " (" + queue.waiting_count + ")";
      const items = document.createElement("ol");
      queue.waiting.forEach((ticket) => {
        const item = document.createElement("li");
        item.dataset.ticketId = ticket.id;
        const label = document.createElement("span");
        label.textContent = ticket.number + (ticket.party_size > 1 ? " · " + ticket.party_size : "");
        const call = document.createElement("button");
        call.className = "button";
        call.textContent = text.call;
        call.disabled = Boolean(current);
        call.addEventListener("click", () => act("POST", "/tickets/" + ticket.id + "/call"));
        item.append(label, call);
        items.append(item);
      });
      block.append(title, items);
      return block;
    });
    if (!snapshot.queues.some((queue) => queue.waiting_count)) {
      const empty = document.createElement("p");
      empty.textContent = text.nobody;
      blocks.push(empty);
    }
    list.replaceChildren(...blocks);
  }

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
    if ($("panel-work").hidden || event.ctrlKey || event.metaKey || event.altKey) return;
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

  load();
})();
