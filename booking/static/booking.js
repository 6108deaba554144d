// Booking pages: a client of the booking API. Book: place, matter, persons, calendar, hold,
// contact, confirm. Manage: key + PIN, then see, cancel, correct contact, or move to a held time.
(function () {
  "use strict";

  const root = document.getElementById("booking");
  const language = root.dataset.language;
  const locale = JonoLocale.localeFor(language);  // for dates and times: en as en-GB
  const maxParty = Number(root.dataset.maxParty) || 6;
  const text = JSON.parse(document.getElementById("booking-text").textContent);
  const $ = (id) => document.getElementById(id);

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // ---- the API: JSON in, JSON out; errors carry a translated message ----
  async function call(method, path, body) {
    const options = { method, headers: { "Accept-Language": language } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch("/api/v1" + path, options);
    } catch (error) {
      throw new Error(text.network_error);
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const problem = new Error((data.error && data.error.message) || text.network_error);
      problem.code = data.error && data.error.code;
      problem.lockedUntil = data.error && data.error.params && data.error.params.locked_until;
      throw problem;
    }
    return data;
  }

  function showProblem(message, id) {
    const element = $(id || "problem");
    element.textContent = message || "";
    element.hidden = !message;
  }

  // A refused key and PIN. The server's message says how many tries are left; the end of a
  // lock is said here, in the browser's own time zone, which the server does not know.
  function keyProblem(error) {
    if (!error.lockedUntil) return error.message;
    const template = error.code === "key_locked" ? text.key_locked_until : text.locked_now_until;
    return format(template, { time: clockTime(error.lockedUntil) });
  }

  // A moment as the local time of day (with the date when it is not today), rounded up to the
  // whole minute: a lock that ends at 10:30:20 is still on at 10:30.
  function clockTime(isoMoment) {
    const moment = new Date(Math.ceil(Date.parse(isoMoment) / 60000) * 60000);
    const time = moment.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
    if (moment.toDateString() === new Date().toDateString()) return time;
    return moment.toLocaleDateString(locale, { day: "numeric", month: "numeric" }) + " " + time;
  }

  function dayLabel(isoDate) {
    const [year, month, day] = isoDate.split("-").map(Number);
    return new Intl.DateTimeFormat(locale, {
      weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
    }).format(new Date(Date.UTC(year, month - 1, day)));
  }

  function whenLabel(item) {
    return dayLabel(item.date) + " " + item.time + ", " + (text.point_names[item.service_point] || "");
  }

  // ---- the calendar of free days and times ----
  function Calendar(options) {
    const today = new Date();
    let month = new Date(Date.UTC(today.getFullYear(), today.getMonth(), 1));
    let horizon = null;
    let query = null;  // the choice the shown month was asked with: a day's times use it too
    let request = 0;
    let shown = null;  // what the calendar shows now: the same choice again needs no reload

    function iso(date) { return date.toISOString().slice(0, 10); }

    // The month asks only which days have free times (listFreeDays); a day's times are asked
    // when the day is chosen (listFreeSlots for that one day).
    async function load(force) {
      query = options.query();
      const mine = ++request;
      if (!query) { $("calendar").hidden = true; shown = null; return; }
      const first = iso(month);
      const wanted = JSON.stringify([query, first]);
      if (!force && wanted === shown && !$("calendar").hidden) return;
      shown = wanted;
      $("calendar").hidden = false;
      const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
      const days = Math.round((next - month) / 86400000);
      $("month-title").textContent = new Intl.DateTimeFormat(locale, {
        month: "long", year: "numeric", timeZone: "UTC",
      }).format(month);
      $("calendar-status").textContent = text.loading;
      $("calendar-days").replaceChildren();
      $("calendar-times").replaceChildren();
      $("times-title").hidden = true;
      try {
        const params = new URLSearchParams({ ...query, from: first, days: String(days) });
        const page = await call("GET", "/free-days?" + params);
        if (mine !== request) return;
        horizon = page.horizon_day;
        $("month-previous").disabled = iso(month) <= iso(new Date(Date.UTC(today.getFullYear(), today.getMonth(), 1)));
        $("month-next").disabled = !page.next_day || iso(next) > horizon;
        $("calendar-status").textContent = page.days.length ? "" : text.no_free_days;
        for (const day of page.days) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "calendar-day";
          button.dataset.date = day.date;
          button.textContent = dayLabel(day.date);
          button.addEventListener("click", () => showTimes(day.date, button));
          $("calendar-days").append(button);
        }
      } catch (error) {
        if (mine === request) { $("calendar-status").textContent = error.message; shown = null; }
      }
    }

    async function showTimes(date, button) {
      document.querySelectorAll(".calendar-day").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      $("chosen-day").textContent = dayLabel(date);
      $("times-title").hidden = false;
      const list = $("calendar-times");
      list.replaceChildren();
      const mine = ++request;
      let slots;
      try {
        const params = new URLSearchParams({ ...query, from: date, days: "1" });
        slots = (await call("GET", "/free-slots?" + params)).slots;
      } catch (error) {
        if (mine === request) $("calendar-status").textContent = error.message;
        return;
      }
      if (mine !== request) return;
      if (!slots.length) { load(true); return; }  // taken meanwhile: show the month as it is now
      $("calendar-status").textContent = "";
      for (const slot of slots.filter((s) => s.date === date)) {
        const time = document.createElement("button");
        time.type = "button";
        time.className = "calendar-time";
        time.dataset.time = slot.time;
        time.textContent = slot.time;
        time.addEventListener("click", () => options.choose(slot, time));
        list.append(time);
      }
    }

    $("month-previous").addEventListener("click", () => {
      month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - 1, 1));
      load();
    });
    $("month-next").addEventListener("click", () => {
      month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
      load();
    });
    return { load };
  }

  async function holdTime(slot, category, partySize, previous) {
    return call("POST", "/holds", {
      service_point: slot.service_point,
      starts_at: slot.starts_at,
      category,
      party_size: partySize,
      replaces_hold: previous || null,
    });
  }

  function heldUntil(hold) {
    const until = new Date(hold.expires_at);
    return format(text.held, {
      time: until.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" }),
    });
  }

  function fillPdfForm(key, pin) {
    const form = $("pdf-form");
    form.elements.reservation_key.value = key;
    form.elements.pin.value = pin;
  }

  // ---- the booking page ----
  function bookingPage() {
    let hold = null;
    let chosen = null;

    function partySize() { return Number($("party-size").value); }

    function query() {
      const size = partySize();
      const tooMany = size > maxParty;
      $("party-warning").hidden = !tooMany;
      $("party-warning").textContent = tooMany ? text.party_too_large : "";
      if (!Number.isInteger(size) || size < 1 || tooMany) return null;
      return { service_point: $("service-point").value, category: $("category").value, party_size: String(size) };
    }

    const calendar = Calendar({
      query,
      choose: async (slot, button) => {
        showProblem("");
        try {
          hold = await holdTime(slot, $("category").value, partySize(), hold && hold.hold_token);
          chosen = slot;
          document.querySelectorAll(".calendar-time").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
          $("held-time").textContent = whenLabel(slot) + ". " + heldUntil(hold);
          $("contact").hidden = false;
          $("email").focus();
        } catch (error) {
          showProblem(error.message);
          calendar.load(true);
        }
      },
    });
    ["service-point", "category", "party-size"].forEach((id) =>
      $(id).addEventListener("change", () => {
        hold = null;
        $("contact").hidden = true;
        calendar.load();
      }));
    $("party-size").addEventListener("input", query);

    $("contact-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      showProblem("", "contact-problem");
      try {
        const booked = await call("POST", "/appointments", {
          hold_token: hold.hold_token,
          email: $("email").value.trim() || null,
          phone: $("phone").value.trim() || null,
          language,
        });
        $("choices").hidden = true;
        $("calendar").hidden = true;
        $("contact").hidden = true;
        $("confirmed-time").textContent = whenLabel(chosen);
        $("reservation-key").textContent = booked.reservation_key;
        $("pin-code").textContent = booked.pin;
        fillPdfForm(booked.reservation_key, booked.pin);
        $("confirmation").hidden = false;
        $("confirmation").scrollIntoView();
      } catch (error) {
        showProblem(error.message, "contact-problem");
        if (error.code === "hold_expired") { $("contact").hidden = true; calendar.load(true); }
      }
    });
    calendar.load();
  }

  // ---- the manage page ----
  function managePage() {
    let credentials = null;
    let appointment = null;
    let hold = null;

    function show(data) {
      appointment = data;
      $("detail-status").textContent = text["status_" + data.status] || data.status;
      $("detail-time").textContent = dayLabel(data.date) + " " + data.time;
      $("detail-place").textContent = data.service_point_name[language] + ", " + data.address;
      $("detail-category").textContent = data.category_name ? data.category_name[language] : data.category;
      $("detail-persons").textContent = data.party_size === 1 ? text.one_person : format(text.persons, { count: data.party_size });
      $("detail-email").textContent = data.email || "–";
      $("detail-phone").textContent = data.phone || "–";
      $("email").value = data.email || "";
      $("phone").value = data.phone || "";
      $("actions").hidden = data.status !== "booked";
      $("details").hidden = false;
    }

    function done(message) {
      $("done").textContent = message;
      $("done").hidden = false;
    }

    const calendar = Calendar({
      query: () => appointment && {
        service_point: $("service-point").value,
        category: appointment.category,
        party_size: String(appointment.party_size),
      },
      choose: async (slot, button) => {
        showProblem("");
        try {
          hold = await holdTime(slot, appointment.category, appointment.party_size, hold && hold.hold_token);
          document.querySelectorAll(".calendar-time").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
          $("held-time").textContent = whenLabel(slot) + ". " + heldUntil(hold);
          $("move").hidden = false;
        } catch (error) {
          showProblem(error.message);
          calendar.load(true);
        }
      },
    });
    $("service-point").addEventListener("change", () => { $("move").hidden = true; calendar.load(); });

    async function act(path, extra, message) {
      showProblem("");
      try {
        show(await call("POST", "/appointments/" + path, { ...credentials, ...extra }));
        done(message);
        return true;
      } catch (error) {
        showProblem(keyProblem(error));
        return false;
      }
    }

    $("login-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      showProblem("");
      $("done").hidden = true;
      const attempt = { reservation_key: $("reservation-key-input").value.trim(), pin: $("pin-input").value.trim() };
      try {
        show(await call("POST", "/appointments/lookup", attempt));
        credentials = attempt;
        fillPdfForm(attempt.reservation_key, attempt.pin);
        $("service-point").value = appointment.service_point;
        calendar.load();
      } catch (error) {
        $("details").hidden = true;
        showProblem(keyProblem(error));
      }
    });
    $("cancel").addEventListener("click", () => {
      if (window.confirm(text.cancel_confirm)) act("cancel", {}, text.cancelled);
    });
    $("contact-form").addEventListener("submit", (event) => {
      event.preventDefault();
      act("contact", { email: $("email").value.trim() || null, phone: $("phone").value.trim() || null }, text.contact_saved);
    });
    $("confirm-move").addEventListener("click", async () => {
      if (await act("reschedule", { hold_token: hold.hold_token }, text.moved)) {
        $("move").hidden = true;
        hold = null;
        calendar.load(true);
      }
    });
  }

  if ($("login-form")) managePage(); else bookingPage();
})();
