// Kiosk: walks a person through triage and shows their waiting number.
// The server triages again when issuing; this page only collects the answers.
(function () {
  "use strict";

  const root = document.getElementById("kiosk");
  const servicePoint = root.dataset.servicePoint;
  const language = root.dataset.language;
  const locale = JonoLocale.localeFor(language);  // for dates and times: en as en-GB
  const idleSeconds = Number(root.dataset.idleSeconds) || 45;
  const text = JSON.parse(document.getElementById("kiosk-text").textContent);

  let answers = {};
  let partyAsked = false;  // a verdict known without the persons does not ask for them
  let interactionKey = newKey();
  let lastAttempt = null;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  function show(id) {
    document.querySelectorAll("#kiosk .screen").forEach((screen) => {
      screen.hidden = screen.id !== id;
    });
    const heading = document.querySelector(
      "#" + id + " h1:not([hidden]), #" + id + " .ticket-number");
    if (heading) heading.setAttribute("tabindex", "-1");
  }

  function restart() {
    window.location.href = window.location.pathname;  // back to the language choice
  }

  // Idle reset: the next person must never see the previous person's answers or number.
  // A number whose slip has not come out stays on screen until the person presses Done.
  let idleTimer = null;
  let printPending = false;
  function touch() {
    clearTimeout(idleTimer);
    if (root.dataset.started === "yes") idleTimer = setTimeout(idle, idleSeconds * 1000);
  }
  function idle() {
    if (printPending) touch();
    else restart();
  }
  ["pointerdown", "keydown"].forEach((name) => document.addEventListener(name, touch, true));
  touch();

  // A wait as every screen and slip writes it (printers/wording.py format_wait): "45 min",
  // and "about 2 h" or "about 3 h 12 min" once it passes an hour.
  function formatWait(minutes) {
    if (minutes < 60) return format(text.minutes, { minutes: minutes });
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return format(text.about, { wait: rest ? hours + " h " + rest + " min" : hours + " h" });
  }

  async function post(path, body) {
    const response = await fetch(path + "?lang=" + language, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": language },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || text.network_error);
      error.code = data.error && data.error.code;
      error.params = (data.error && data.error.params) || {};
      throw error;
    }
    return data;
  }

  function fail(error, retry) {
    if (error.code === "not_issuing") { show("screen-closed"); return; }
    document.getElementById("error-message").textContent =
      error instanceof TypeError ? text.network_error : error.message;
    lastAttempt = retry;
    show("screen-error");
  }

  async function decide() {
    show("screen-working");
    const base = "/api/v1/service-points/" + encodeURIComponent(servicePoint);
    let triage;
    try {
      triage = await post(base + "/triage", answers);
    } catch (error) {
      // The kiosk's clock and the server's may stand in different months: the server decides.
      if (error.code === "missing_answer" && error.params.question === "found_appointment") {
        show("screen-found");
        return;
      }
      fail(error, decide);
      return;
    }
    if (triage.outcome === "postbox") { show("screen-postbox"); return; }
    if (triage.outcome === "asylum_invitation") { show("screen-asylum"); return; }
    if (triage.outcome === "book_online") { showBookOnline(triage); return; }
    if (triage.appointment_offer) { showOffer(triage); return; }
    if (!triage.is_accepting_tickets) { show("screen-closed"); return; }
    await issueNumbers(triage.party_groups);
  }

  function showBookOnline(triage) {
    const found = answers.found_appointment === true;
    const foreignPassport = triage.reasons.includes("passport_not_issued_by_finland");
    document.getElementById("book-online-title").hidden = foreignPassport;
    document.getElementById("book-online-title-foreign-passport").hidden = !foreignPassport;
    document.getElementById("book-online-reason-foreign-passport").hidden = !foreignPassport;
    document.getElementById("book-online-reason-found").hidden = !found;
    document.getElementById("book-online-reason-general").hidden = found || foreignPassport;
    const groups = document.getElementById("book-online-groups");
    groups.hidden = triage.party_groups.length < 2;
    groups.textContent = format(text.groups_book, {
      count: answers.party_size, groups: triage.party_groups.length, limit: root.dataset.maxParty,
    });
    show("screen-book-online");
  }

  // One number per group of at most six; each group has its own idempotency key, so a retry
  // after a lost answer returns the numbers already issued instead of new ones.
  async function issueNumbers(groups) {
    show("screen-working");
    const base = "/api/v1/service-points/" + encodeURIComponent(servicePoint);
    const tickets = [];
    try {
      for (let index = 0; index < groups.length; index++) {
        tickets.push(await post(base + "/tickets", {
          answers: Object.assign({}, answers, { party_size: groups[index] }),
          language: language,
          idempotency_key: interactionKey + "-" + index,
        }));
      }
    } catch (error) {
      fail(error, () => issueNumbers(groups));
      return;
    }
    showTicket(tickets);
  }

  function showTicket(tickets) {
    const first = tickets[0];
    document.getElementById("ticket-number").textContent = first.number;
    const more = document.getElementById("more-numbers");
    more.hidden = tickets.length < 2;
    more.textContent = format(text.more_numbers, {
      numbers: tickets.slice(1).map((ticket) => ticket.number).join(", "),
    });
    const queueName = text.queue_names[first.queue] || "";
    const persons = tickets.reduce((sum, ticket) => sum + ticket.party_size, 0);
    // A party above the limit has a number per group, but it is one family: served together.
    const together = document.getElementById("ticket-together");
    together.hidden = tickets.length < 2;
    together.textContent = format(text.served_together, { count: persons, groups: tickets.length });
    document.getElementById("ticket-queue").textContent =
      persons > 1 ? queueName + " · " + format(text.persons, { count: persons }) : queueName;
    const ahead = document.getElementById("people-ahead");
    ahead.textContent = first.people_ahead === 0 ? text.nobody_ahead : String(first.people_ahead);
    ahead.classList.toggle("is-words", first.people_ahead === 0);
    // No estimate (null) while no counter serving the queue is open: "0 min" would not be true.
    const wait = document.getElementById("estimated-wait");
    const hasEstimate = typeof first.estimated_wait_minutes === "number";
    wait.textContent = hasEstimate ? formatWait(first.estimated_wait_minutes) : text.no_estimate;
    wait.classList.toggle("is-words", !hasEstimate);
    // For the read-aloud button, which asks the server to speak these values.
    if (hasEstimate) wait.dataset.minutes = first.estimated_wait_minutes;
    else delete wait.dataset.minutes;
    document.getElementById("people-ahead").dataset.count = first.people_ahead;
    document.getElementById("ticket-long-queue").hidden = first.is_likely_served_today;
    showStatusQr(first);
    show("screen-ticket");
    followTurnNear(first);
    followPrints(tickets);
  }

  // The phone page's QR code, printer or not: without a slip it is the only way to the page.
  function showStatusQr(ticket) {
    const block = document.getElementById("ticket-qr-block");
    const image = document.getElementById("ticket-qr");
    block.hidden = !ticket.status_token;
    if (ticket.status_token) image.src = "/t/" + encodeURIComponent(ticket.status_token) + "/qr.svg";
    else image.removeAttribute("src");
  }

  // --- the opt-in "your turn is near" text message ------------------------------------------
  let turnNearTicket = null;
  const turnNearForm = document.getElementById("turn-near-form");

  function followTurnNear(ticket) {
    turnNearTicket = ticket;
    if (!turnNearForm) return;
    document.getElementById("turn-near-phone").value = "";  // a shared kiosk: never keep a number
    document.getElementById("turn-near-result").textContent = "";
    turnNearForm.hidden = false;
  }

  if (turnNearForm) {
    turnNearForm.addEventListener("submit", async (submitEvent) => {
      submitEvent.preventDefault();
      const input = document.getElementById("turn-near-phone");
      const result = document.getElementById("turn-near-result");
      let message;
      try {
        const response = await fetch("/api/v1/tickets/" + turnNearTicket.id + "/turn-near-phone", {
          method: "PUT",
          headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang || "fi" },
          body: JSON.stringify({ token: turnNearTicket.status_token, phone: input.value }),
        });
        const body = await response.json();
        message = response.ok ? text.turn_near_done : body.error.message;
        if (response.ok) input.value = "";
      } catch (error) {
        message = text.network_error || "";
      }
      result.textContent = message;
    });
  }

  // --- the printed slip ------------------------------------------------------------------
  // The number is on screen before the slip is printed. Until the printer confirms it, the
  // page asks how the print went; if the printer fails, it says so and asks to note the number.
  const printPollMilliseconds = 1000;

  function showPrintStatus(tickets) {
    const statuses = tickets.map((ticket) => ticket.print_status);
    const numbers = tickets.map((ticket) => ticket.number).join(", ");
    const note = document.getElementById("ticket-print-note");
    const failed = document.getElementById("ticket-print-failed");
    failed.hidden = !statuses.includes("failed");
    failed.textContent = format(text.print_failed, { number: numbers });
    if (statuses.every((status) => status === null || status === undefined)) {
      note.textContent = text.print_none;
    } else if (statuses.includes("failed")) {
      note.textContent = "";
    } else if (statuses.includes("queued")) {
      note.textContent = text.print_queued;
    } else {
      note.textContent = text.print_done;
    }
    note.hidden = !note.textContent;
    printPending = statuses.some((status) => status === "queued" || status === "failed");
  }

  async function followPrints(tickets) {
    showPrintStatus(tickets);
    while (printPending && !document.getElementById("screen-ticket").hidden) {
      await new Promise((resolve) => setTimeout(resolve, printPollMilliseconds));
      for (const ticket of tickets) {
        if (ticket.print_status !== "queued" && ticket.print_status !== "failed") continue;
        try {
          const response = await fetch("/api/v1/tickets/" + ticket.id + "/print-status?token=" +
            encodeURIComponent(ticket.status_token), { cache: "no-store" });
          if (response.ok) ticket.print_status = (await response.json()).print_status;
        } catch (error) {
          /* offline: the number stays on screen; ask again on the next round */
        }
      }
      showPrintStatus(tickets);
    }
  }

  // --- appointments: check in with the reservation key; the offer to urgent walk-ins -------
  const apiBase = "/api/v1/service-points/" + encodeURIComponent(servicePoint);
  const keyInput = document.getElementById("check-in-key");
  const checkInProblem = document.getElementById("check-in-problem");
  const ticketLabel = document.querySelector("#screen-ticket .ticket-label");

  function formatDay(isoDate) {
    const [year, month, day] = isoDate.split("-").map(Number);
    return new Date(year, month - 1, day).toLocaleDateString(locale, {
      weekday: "long", day: "numeric", month: "numeric",
    });
  }

  function showCheckIn(problem) {
    checkInProblem.textContent = problem || "";
    checkInProblem.hidden = !problem;
    show("screen-check-in");
    keyInput.focus();  // a QR code reader types into the focused field and presses Enter
  }

  function typeKey(character) {
    keyInput.value = (keyInput.value + character).slice(0, 300);
    checkInProblem.hidden = true;
  }

  async function checkIn() {
    const typed = keyInput.value.trim();
    if (!typed) { showCheckIn(text.key_required); return; }
    show("screen-working");
    let result;
    try {
      result = await post(apiBase + "/check-ins", { reservation_key: typed, language: language });
    } catch (error) {
      if (error instanceof TypeError) fail(error, checkIn);
      else showCheckIn(error.message);
      return;
    }
    if (result.outcome === "checked_in") {
      ticketLabel.textContent = text.appointment_number;
      showTicket([result.ticket]);
    } else if (result.outcome === "too_early") {
      const today = new Date().toLocaleDateString("sv");  // YYYY-MM-DD in the kiosk's zone
      const template = result.come_back_date === today ? text.come_back : text.come_back_day;
      document.getElementById("check-in-early-message").textContent = format(template, {
        date: formatDay(result.appointment_date), time: result.appointment_time,
        opens: result.come_back_at,
      });
      show("screen-check-in-early");
    } else {
      show("screen-check-in-lost");
    }
  }

  let offered = null;
  function showOffer(triage) {
    offered = triage;
    const offer = triage.appointment_offer;
    document.getElementById("offer-time").textContent = offer.is_today
      ? format(text.offer_today, { time: offer.time })
      : format(text.offer_day, { date: formatDay(offer.date), time: offer.time });
    document.getElementById("offer-take").disabled = false;
    show("screen-offer");
  }

  async function takeOffer() {
    document.getElementById("offer-take").disabled = true;  // one tap, one appointment
    show("screen-working");
    let booked;
    try {
      booked = await post(apiBase + "/offered-appointments", {
        offer_token: offered.appointment_offer.offer_token, language: language,
      });
    } catch (error) {
      fail(error, decide);  // asking again gives the next free time, or the number
      return;
    }
    if (booked.ticket) {  // the time starts within the check-in window: checked in at once
      ticketLabel.textContent = text.appointment_number;
      const appointment = document.getElementById("ticket-appointment");
      appointment.textContent = format(text.appointment_at, { time: booked.time });
      appointment.hidden = false;
      showTicket([booked.ticket]);
      return;
    }
    document.getElementById("booked-time").textContent = format(text.offer_day, {
      date: formatDay(booked.date), time: booked.time,
    });
    document.getElementById("booked-key").textContent = booked.reservation_key;
    document.getElementById("booked-pin").textContent = booked.pin;
    document.getElementById("booked-check-in").textContent =
      format(text.check_in_from, { time: booked.check_in_from });
    document.getElementById("booked-print-note").textContent =
      booked.print_status ? text.slip_printing : text.slip_none;
    printPending = true;  // the key and PIN stay on screen until the person presses Done
    show("screen-offer-booked");
  }

  function declineOffer() {
    if (!offered.is_accepting_tickets) show("screen-closed");
    else issueNumbers(offered.party_groups);
  }

  // --- the questions ---------------------------------------------------------------------
  function on(selector, handler) {
    document.querySelectorAll(selector).forEach((element) =>
      element.addEventListener("click", () => handler(element)));
  }

  on("[data-choose-language]", (button) => {
    window.location.href = window.location.pathname + "?lang=" + button.dataset.chooseLanguage;
  });
  on("[data-action=restart]", restart);
  on("#error-retry", () => (lastAttempt ? lastAttempt() : restart()));

  on("[data-matter]", (button) => {
    answers = { matter: button.dataset.matter, party_size: 1 };
    partyAsked = false;
    interactionKey = newKey();
    if (answers.matter === "travel_document") show("screen-passport");
    else if (answers.matter === "residence_permit") showExpiry();
    else if (answers.matter === "additional_documents" || answers.matter === "asylum") decide();
    else askParty();
  });

  on("[data-passport]", (button) => {
    answers.passport_issued_by_finland = button.dataset.passport === "yes";
    if (answers.passport_issued_by_finland) showExpiry();
    else decide();  // a foreign passport is never urgent here: straight to the advice
  });

  function showExpiry() {
    document.querySelectorAll("[data-title-for]").forEach((title) => {
      title.hidden = title.dataset.titleFor !== answers.matter;
    });
    document.querySelectorAll("#screen-expiry .pick").forEach((pick) => pick.setAttribute("aria-pressed", "false"));
    document.getElementById("expiry-next").disabled = true;
    delete answers.expiry_year;
    delete answers.expiry_month;
    show("screen-expiry");
  }

  function pick(group, button) {
    document.querySelectorAll("#screen-expiry [data-" + group + "]").forEach((other) =>
      other.setAttribute("aria-pressed", String(other === button)));
    document.getElementById("expiry-next").disabled = !(answers.expiry_year && answers.expiry_month);
  }
  on("[data-year]", (button) => { answers.expiry_year = Number(button.dataset.year); pick("year", button); });
  on("[data-month]", (button) => { answers.expiry_month = Number(button.dataset.month); pick("month", button); });
  // Whole calendar months from this month to the expiry month, as the server counts them.
  function monthsUntilExpiry() {
    const today = new Date();
    return answers.expiry_year * 12 + answers.expiry_month -
      (today.getFullYear() * 12 + today.getMonth() + 1);
  }
  const urgencyMonths = Number(root.dataset.urgencyMonths);

  // Beyond the urgency window the verdict is "book online" whatever else is answered.
  on("#expiry-next", () => {
    if (monthsUntilExpiry() > urgencyMonths) decide();
    else show("screen-found");
  });
  on("#expiry-none", () => {
    delete answers.expiry_year;
    delete answers.expiry_month;
    answers.no_expiring_document = true;
    decide();
  });

  on("[data-found]", (button) => {
    answers.found_appointment = button.dataset.found === "yes";
    askParty();
  });

  on("#party-more", () => { document.getElementById("party-large").hidden = false; });
  on("[data-party]", (button) => {
    answers.party_size = Number(button.dataset.party);
    decide();
  });
  function askParty() {
    partyAsked = true;
    show("screen-party");
  }

  on("#have-appointment", () => { keyInput.value = ""; showCheckIn(); });
  on("[data-key]", (button) => typeKey(button.dataset.key));
  on("#key-backspace", () => { keyInput.value = keyInput.value.slice(0, -1); });
  document.getElementById("check-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    checkIn();
  });
  on("#lost-to-triage", () => show("screen-matter"));
  on("#offer-take", takeOffer);
  on("#offer-decline", declineOffer);

  on("#cannot-use-online", () => {
    answers.can_use_online_booking = false;
    if (partyAsked) decide();
    else askParty();  // a booking-help number is for the whole party: ask how many first
  });
})();
