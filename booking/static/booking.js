// Booking pages: a client of the booking API. Book: place, matter, persons, calendar, hold,
// contact, confirm. Manage: key + PIN, then see, cancel, correct contact, or move to a held time.
// Every message appears next to what was pressed and is scrolled into view; a new message
// clears the earlier ones, so a "saved" never stands beside a later error.
(function () {
  "use strict";

  const root = document.getElementById("booking");
  const language = root.dataset.language;
  const locale = JonoLocale.localeFor(language);  // for dates and times: en as en-GB
  const plural = new Intl.PluralRules(locale);
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
      problem.params = (data.error && data.error.params) || {};
      throw problem;
    }
    return data;
  }

  // ---- feedback next to what was pressed ----
  const KINDS = { ok: "notice-ok", error: "notice-error", warn: "notice-warn" };

  // Show `message` in `element` (a .notice or a .field-error) and bring it into view; every
  // other message on the page goes. Without a message, `element` is emptied and hidden.
  function say(element, kind, message) {
    if (message) {
      document.querySelectorAll(".notice[data-said], .field-error[data-said]").forEach((other) => {
        if (other !== element) say(other);
      });
    }
    element.textContent = message || "";
    element.hidden = !message;
    if (element.classList.contains("notice")) {
      Object.values(KINDS).forEach((name) => element.classList.remove(name));
      if (message) element.classList.add(KINDS[kind] || KINDS.error);
    }
    if (element.classList.contains("field-error")) {
      const field = element.parentElement.querySelector("input, select");
      if (field) field.toggleAttribute("aria-invalid", Boolean(message));
    }
    if (!message) { delete element.dataset.said; return; }
    element.dataset.said = "";
    element.scrollIntoView({ block: "nearest" });
  }

  // A refused key and PIN. The server's message says how many tries are left; the end of a
  // lock is said here, in the browser's own time zone, which the server does not know.
  function keyProblem(error) {
    const lockedUntil = error.params && error.params.locked_until;
    if (!lockedUntil) return error.message;
    const template = error.code === "key_locked" ? text.key_locked_until : text.locked_now_until;
    return format(template, { time: clockTime(lockedUntil) });
  }

  // A moment as the local time of day (with the date when it is not today), rounded up to the
  // whole minute: a lock that ends at 10:30:20 is still on at 10:30.
  function clockTime(isoMoment) {
    const moment = new Date(Math.ceil(Date.parse(isoMoment) / 60000) * 60000);
    const time = JonoLocale.formatTime(moment);
    const day = JonoLocale.localDay(moment);
    if (day === JonoLocale.localDay(new Date())) return time;
    return JonoLocale.formatDay(language, day, { weekday: false, year: false }) + " " + time;
  }

  // "tiistai 1. joulukuuta 2026 09:15": a day and a time the server wrote at the service point.
  function whenLabel(item) {
    return JonoLocale.formatDay(language, item.date) + " " + item.time;
  }

  function placeLabel(item) {
    return text.point_names[item.service_point] || item.service_point;
  }

  function lengthLabel(item) {
    const minutes = Math.round((Date.parse(item.ends_at) - Date.parse(item.starts_at)) / 60000);
    return format(text.length_minutes, { minutes });
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

  function heldUntil(hold, template) {
    return format(template, { time: JonoLocale.formatTime(new Date(hold.expires_at)) });
  }

  function fillPdfForm(key, pin) {
    const form = $("pdf-form");
    form.elements.reservation_key.value = key;
    form.elements.pin.value = pin;
  }

  // A refused contact detail goes to its field; anything else to the form's own message.
  function contactProblem(error, formProblem) {
    const field = { invalid_email: "email-problem", invalid_phone: "phone-problem" }[error.code];
    say($(field || formProblem), "error", error.message);
    if (field) $(field).parentElement.querySelector("input").focus();
  }

  function clearContactProblems() {
    ["email-problem", "phone-problem"].forEach((id) => say($(id)));
  }

  // ---- the booking page ----
  function bookingPage() {
    let hold = null;
    let chosen = null;

    // The party size as typed, or null (with the reason next to the field) when it is not
    // one the calendar can search for.
    function partySize() {
      const typed = $("party-size").value.trim();
      const size = Number(typed);
      let problem = "";
      if (!typed || !Number.isInteger(size) || size < 1) problem = text.party_invalid;
      else if (size > maxParty) problem = text.party_too_large;
      const warning = $("party-warning");
      if (problem !== warning.textContent) {
        warning.textContent = problem;
        warning.hidden = !problem;
        $("party-size").toggleAttribute("aria-invalid", Boolean(problem));
      }
      return problem ? null : size;
    }

    function query() {
      const size = partySize();
      if (size === null) return null;
      return { service_point: $("service-point").value, category: $("category").value, party_size: String(size) };
    }

    const calendar = BookingCalendar({
      language,
      text,
      plural,
      call,
      query,
      say,
      choose: async (slot, button) => {
        try {
          hold = await holdTime(slot, $("category").value, partySize(), hold && hold.hold_token);
          chosen = slot;
          calendar.pressTime(button);
          say($("times-problem"));
          $("held-time").textContent = whenLabel(slot) + ", " + placeLabel(slot) + ". "
            + heldUntil(hold, text.held);
          $("contact").hidden = false;
          $("email").focus();
          $("contact").scrollIntoView({ block: "nearest" });
        } catch (error) {
          say($("times-problem"), "error", error.message);
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
    $("party-size").addEventListener("input", partySize);

    $("contact-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      clearContactProblems();
      say($("contact-problem"));
      try {
        const booked = await call("POST", "/appointments", {
          hold_token: hold.hold_token,
          email: $("email").value.trim() || null,
          phone: $("phone").value.trim() || null,
          language,
        });
        showConfirmation(booked);
      } catch (error) {
        if (error.code === "hold_expired") {
          $("contact").hidden = true;
          say($("times-problem"), "error", error.message);
          calendar.load(true);
        } else {
          contactProblem(error, "contact-problem");
        }
      }
    });

    // Everything the confirmation slip says: key, PIN, time, length, place, persons.
    function showConfirmation(booked) {
      $("choices").hidden = true;
      $("calendar").hidden = true;
      $("contact").hidden = true;
      $("reservation-key").textContent = booked.reservation_key;
      $("pin-code").textContent = booked.pin;
      $("confirmed-time").textContent = whenLabel(booked);
      $("confirmed-length").textContent = lengthLabel(booked);
      $("confirmed-place").textContent = booked.service_point_name[language] || placeLabel(chosen);
      $("confirmed-address").textContent = booked.address;
      $("confirmed-category").textContent = booked.category_name ? booked.category_name[language] : booked.category;
      $("confirmed-persons").textContent = String(booked.party_size);
      fillPdfForm(booked.reservation_key, booked.pin);
      $("confirmation").hidden = false;
      $("confirmation").focus();
      $("confirmation").scrollIntoView({ block: "start" });
    }
    calendar.load();
  }

  // ---- the manage page ----
  function managePage() {
    let credentials = null;
    let appointment = null;
    let hold = null;

    function show(data) {
      appointment = data;
      $("detail-key").textContent = data.reservation_key;
      $("detail-status").textContent = text["status_" + data.status] || data.status;
      $("detail-time").textContent = whenLabel(data);
      $("detail-length").textContent = lengthLabel(data);
      $("detail-place").textContent = data.service_point_name[language];
      $("detail-address").textContent = data.address;
      $("detail-category").textContent = data.category_name ? data.category_name[language] : data.category;
      $("detail-persons").textContent = String(data.party_size);
      $("detail-email").textContent = data.email || "–";
      $("detail-phone").textContent = data.phone || "–";
      $("email").value = data.email || "";
      $("phone").value = data.phone || "";
      $("actions").hidden = data.status !== "booked";
      $("details").hidden = false;
    }

    const calendar = BookingCalendar({
      language,
      text,
      plural,
      call,
      say,
      query: () => appointment && {
        service_point: $("service-point").value,
        category: appointment.category,
        party_size: String(appointment.party_size),
      },
      choose: async (slot, button) => {
        try {
          hold = await holdTime(slot, appointment.category, appointment.party_size, hold && hold.hold_token);
          calendar.pressTime(button);
          say($("times-problem"));
          $("held-time").textContent = whenLabel(slot) + ", " + placeLabel(slot) + ". "
            + heldUntil(hold, text.held_for_move);
          $("move").hidden = false;
          $("move").scrollIntoView({ block: "nearest" });
        } catch (error) {
          say($("times-problem"), "error", error.message);
          calendar.load(true);
        }
      },
    });
    $("service-point").addEventListener("change", () => { $("move").hidden = true; calendar.load(); });

    // Make a change with the key and PIN; a refusal is said at `where`, next to its button.
    async function act(path, extra, where) {
      try {
        show(await call("POST", "/appointments/" + path, { ...credentials, ...extra }));
        return true;
      } catch (error) {
        if (path === "contact") contactProblem(error, where.id);
        else say(where, "error", keyProblem(error));
        return false;
      }
    }

    // Said at the top of the appointment, whose details have just changed, and shown there.
    function done(message) {
      say($("done"), "ok", message);
      $("done").focus({ preventScroll: true });
      $("details").scrollIntoView({ block: "start" });
    }

    $("login-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      say($("done"));
      const attempt = { reservation_key: $("reservation-key-input").value.trim(), pin: $("pin-input").value.trim() };
      try {
        show(await call("POST", "/appointments/lookup", attempt));
        say($("login-problem"));
        credentials = attempt;
        fillPdfForm(attempt.reservation_key, attempt.pin);
        $("service-point").value = appointment.service_point;
        calendar.load();
      } catch (error) {
        $("details").hidden = true;
        say($("login-problem"), "error", keyProblem(error));
        $("pin-input").select();
      }
    });
    $("cancel").addEventListener("click", async () => {
      if (!window.confirm(text.cancel_confirm)) return;
      if (await act("cancel", {}, $("cancel-feedback"))) done(text.cancelled);
    });
    $("contact-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      clearContactProblems();
      const contact = { email: $("email").value.trim() || null, phone: $("phone").value.trim() || null };
      if (await act("contact", contact, $("contact-feedback"))) {
        say($("contact-feedback"), "ok", text.contact_saved);
      }
    });
    $("confirm-move").addEventListener("click", async () => {
      if (await act("reschedule", { hold_token: hold.hold_token }, $("move-feedback"))) {
        $("move").hidden = true;
        hold = null;
        done(text.moved);
        calendar.load(true);
      }
    });
  }

  if ($("login-form")) managePage(); else bookingPage();
})();
