// Counter appointments: book for the customer at the counter (free times from listFreeSlots),
// print the confirmation slip, and list today's appointments with the lost and served ones
// marked. The second tab of the workspace (counter.js shows it from the clerk's session).
(function () {
  "use strict";
  const text = JSON.parse(document.getElementById("appointments-text").textContent);
  const $ = (id) => document.getElementById(id);
  const REFRESH_MILLISECONDS = 30000;
  let chosen = null;   // the free slot chosen
  let booked = null;   // the last booking: its key and PIN, for the PDF
  let timer = null;
  let seatKnown = false;  // the form starts at the clerk's own service point

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  async function api(method, path, body, isBackground) {
    let response;
    try {
      response = await fetch("/api/v1" + path, {
        method: method,
        headers: Object.assign({ "Accept-Language": text.language },
          body ? { "Content-Type": "application/json" } : {},
          window.JonoSession.headers(method, isBackground)),
        body: body ? JSON.stringify(body) : undefined,
        credentials: "same-origin",
      });
    } catch (error) {
      return { ok: false, status: 0, data: { error: { message: text.network_error } } };
    }
    return response;
  }

  async function json(response) {
    if (response.ok === false && response.status === 0) return response;
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data: data };
  }

  function problem(result) {
    $("book-status").textContent = result.ok ? "" : (result.data.error && result.data.error.message) || "";
    $("book-status").classList.toggle("error", !result.ok);
  }

  // The appointment's time as the page's language writes it: "ti 1.12.2026 klo 22.00",
  // "Tue 1 December 2026, 22:00". `date` and `time` are already local to the service point.
  function formatStart(date, time) {
    const [year, month, day] = date.split("-").map(Number);
    const moment = new Date(Date.UTC(year, month - 1, day, 12));
    const locale = window.JonoLocale.localeFor(text.language);
    const name = (options) => new Intl.DateTimeFormat(locale, Object.assign({ timeZone: "UTC" }, options)).format(moment);
    const [hours, minutes] = time.split(":");
    return format(text.starts_at, {
      weekday: name({ weekday: "short" }).replace(/\.$/, ""), day: day, month: month,
      month_name: name({ month: "long" }), year: year, hours: hours, minutes: minutes,
    });
  }

  function localToday() {
    return new Date().toLocaleDateString("sv");  // YYYY-MM-DD
  }

  async function search() {
    chosen = null;
    $("book-submit").disabled = true;
    const query = new URLSearchParams({
      service_point: $("book-service-point").value,
      category: $("book-category").value,
      party_size: $("book-party").value,
      from: $("book-day").value || localToday(),
      days: "1",
    });
    const result = await json(await api("GET", "/free-slots?" + query));
    problem(result);
    if (!result.ok) { $("book-slots").replaceChildren(); return; }
    const day = $("book-day").value || localToday();
    const slots = result.data.slots.filter((slot) => slot.date === day);
    if (!slots.length) {
      const none = document.createElement("p");
      none.textContent = text.no_times;
      $("book-slots").replaceChildren(none);
      return;
    }
    $("book-slots").replaceChildren(...slots.map((slot) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button slot";
      button.textContent = slot.time;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", () => {
        chosen = slot;
        $("book-slots").querySelectorAll(".slot").forEach((other) =>
          other.setAttribute("aria-pressed", String(other === button)));
        $("book-submit").disabled = false;
      });
      return button;
    }));
  }

  async function book(event) {
    event.preventDefault();
    if (!chosen) return;
    $("book-submit").disabled = true;
    const result = await json(await api("POST", "/counter/appointments", {
      service_point: $("book-service-point").value,
      category: $("book-category").value,
      party_size: Number($("book-party").value),
      starts_at: chosen.starts_at,
      email: $("book-email").value.trim() || null,
      phone: $("book-phone").value.trim() || null,
      language: $("book-language").value,
      print_at_kiosk: $("book-print-kiosk").checked,
    }));
    problem(result);
    if (!result.ok) { $("book-submit").disabled = false; return; }
    booked = result.data;
    // In the page's language, not the customer's (the slip is in theirs).
    $("book-result-place").textContent = text.service_point_names[booked.service_point] || booked.service_point_name;
    $("book-result-time").textContent = formatStart(booked.date, booked.time);
    $("book-result-key").textContent = booked.reservation_key;
    $("book-result-pin").textContent = booked.pin;
    $("book-form").hidden = true;
    $("book-result").hidden = false;
    $("book-result-heading").focus();
    refreshDay();
  }

  async function printPdf() {
    if (!booked) return;
    const response = await api("POST", "/counter/appointments/confirmation-slip", {
      reservation_key: booked.reservation_key, pin: booked.pin, language: booked.language,
    });
    if (!response.ok) { problem(await json(response)); return; }
    const address = URL.createObjectURL(await response.blob());
    window.open(address, "_blank");
    setTimeout(() => URL.revokeObjectURL(address), 60000);
  }

  function another() {
    booked = null;
    chosen = null;
    ["book-email", "book-phone"].forEach((id) => { $(id).value = ""; });
    $("book-slots").replaceChildren();
    $("book-result").hidden = true;
    $("book-form").hidden = false;
    $("book-submit").disabled = true;
  }

  async function refreshDay() {
    const result = await json(await api("GET", "/counter/appointments", undefined, true));
    if (result.status === 401) { window.JonoSession.ended(); return; }
    if (!result.ok) return;
    const today = result.data.date;
    const rows = result.data.appointments.map((appointment) => {
      const row = document.createElement("tr");
      row.dataset.status = appointment.status;
      if (["lost", "served"].includes(appointment.status)) row.className = appointment.status;
      [
        appointment.date === today ? appointment.time : formatStart(appointment.date, appointment.time),
        text.categories[appointment.category] || appointment.category,
        String(appointment.party_size),
        appointment.served_at ? format(text.served_at, { time: appointment.served_at })
          : text.statuses[appointment.status] || appointment.status,
        appointment.ticket_number || "",
      ].forEach((value) => {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.append(cell);
      });
      const show = document.createElement("button");
      show.type = "button";
      show.className = "button button-quiet show-messages";
      show.textContent = text.show_messages;
      show.addEventListener("click", () => showMessages(appointment));
      const cell = document.createElement("td");
      cell.append(show);
      row.append(cell);
      return row;
    });
    if (!rows.length) {
      const row = document.createElement("tr");
      const cell = document.createElement("td");
      cell.colSpan = 6;
      cell.textContent = text.nothing_today;
      row.append(cell);
      rows.push(row);
    }
    $("day-appointments").replaceChildren(...rows);
  }

  // The e-mails and text messages of one appointment: sent, waiting or failed (and why).
  async function showMessages(appointment) {
    const result = await json(await api("GET", "/counter/appointments/" + appointment.id + "/messages"));
    if (!result.ok) return;
    const box = $("appointment-messages");
    box.querySelector("h3").dataset.template = box.querySelector("h3").dataset.template || box.querySelector("h3").textContent;
    box.querySelector("h3").textContent = format(box.querySelector("h3").dataset.template, { time: appointment.time });
    const rows = result.data.messages.map((message) => {
      const row = document.createElement("tr");
      row.dataset.status = message.status;
      [
        text.message_kinds[message.kind] || message.kind,
        (text.channels[message.channel] || message.channel) + ": " + message.recipient,
        text.message_statuses[message.status] || message.status,
        String(message.attempts),
        message.last_error || "",
      ].forEach((value) => {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.append(cell);
      });
      return row;
    });
    if (!rows.length) {
      const row = document.createElement("tr");
      const cell = document.createElement("td");
      cell.colSpan = 5;
      cell.textContent = text.no_messages;
      row.append(cell);
      rows.push(row);
    }
    $("appointment-messages-rows").replaceChildren(...rows);
    box.hidden = false;
  }

  // Follow the workspace: refreshed and re-listed while the clerk is at a counter, and at once
  // when the tab is opened.
  function follow() {
    const working = !$("workspace").hidden;
    clearInterval(timer);
    if (working) {
      if (!seatKnown) {
        seatKnown = true;
        api("GET", "/counter").then(json).then((result) => {
          if (result.ok && result.data.service_point) $("book-service-point").value = result.data.service_point;
        });
      }
      refreshDay();
      timer = setInterval(refreshDay, REFRESH_MILLISECONDS);
    }
  }
  new MutationObserver(follow).observe($("workspace"), { attributes: true, attributeFilter: ["hidden"] });
  new MutationObserver(() => { if (!$("panel-appointments").hidden) refreshDay(); })
    .observe($("panel-appointments"), { attributes: true, attributeFilter: ["hidden"] });

  $("book-day").value = localToday();
  $("book-search").addEventListener("click", search);
  ["book-service-point", "book-category", "book-party", "book-day"].forEach((id) =>
    $(id).addEventListener("change", () => { $("book-slots").replaceChildren(); chosen = null; $("book-submit").disabled = true; }));
  $("book-form").addEventListener("submit", book);
  $("book-pdf").addEventListener("click", printPdf);
  $("book-another").addEventListener("click", another);
  follow();
})();
