// The booking calendar: a month grid of days (Monday first) with each day's free count, closed
// and past days shown as such, and the chosen day's times grouped by part of the day.
//
// Keyboard and screen readers as in the WAI-ARIA APG date picker grid: the grid is one tab
// stop (a roving tabindex), arrow keys move the day, Home/End to the week's ends, Page Up/Down
// a month, Enter or Space chooses the day; each day's name is its full date and count (in
// visually hidden text: the short number and count on show are hidden from screen readers, so
// the name read out is the whole one and never contradicts what is seen).
//
// The grid's 42 cells are made once and only updated afterwards: a new party size or month
// never destroys the cell under the pointer, so a click that began while another field lost its
// focus (its change reloading the counts) still lands on the day it was aimed at.
(function (root) {
  "use strict";

  const CELLS = 42;  // six weeks: every month fits
  const AFTERNOON_FROM = "12:00";
  const EVENING_FROM = "17:00";

  function isoDay(year, monthIndex, day) {
    const moment = new Date(Date.UTC(year, monthIndex, day));
    return moment.toISOString().slice(0, 10);
  }

  function addDays(isoDate, count) {
    const [year, month, day] = isoDate.split("-").map(Number);
    return isoDay(year, month - 1, day + count);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // options: language, text (the page's texts), plural (its Intl.PluralRules), call (the API),
  // query() (the search, or null),
  // choose(slot, button) (a time pressed), say(element, kind, message) (feedback).
  function BookingCalendar(options) {
    const { language, text, call } = options;
    const $ = (id) => document.getElementById(id);
    const section = $("calendar");
    const grid = $("calendar-grid");
    const weeks = $("calendar-weeks");
    const cells = [];
    let today = JonoLocale.localDay(new Date());  // until the server says its today
    let horizon = null;
    let month = { year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) - 1 };
    let counts = new Map();  // ISO day → free count, for the month shown
    let closed = new Set();
    let known = false;       // counts and closed days are the month's (maybe of an older search)
    let selected = null;     // the chosen ISO day
    let focusDay = null;     // the day with tabindex 0
    let query = null;
    let shown = null;        // [query, month] last asked: the same again needs no reload
    let shownQuery = null;   // the query alone: a new one asks the chosen day's times again
    let monthRequest = 0;
    let dayRequest = 0;

    // ---- the grid, made once ----
    const names = JonoLocale.weekdayNames(language);
    const headRow = $("calendar-weekdays");
    for (const name of names) {
      const head = document.createElement("th");
      head.scope = "col";
      head.abbr = name.long;
      head.textContent = name.short;
      headRow.append(head);
    }
    for (let week = 0; week < CELLS / 7; week++) {
      const row = document.createElement("tr");
      for (let weekday = 0; weekday < 7; weekday++) {
        const cell = document.createElement("td");
        const number = document.createElement("span");
        number.className = "calendar-number";
        const count = document.createElement("span");
        count.className = "calendar-count";
        const label = document.createElement("span");
        label.className = "visually-hidden";
        number.setAttribute("aria-hidden", "true");
        count.setAttribute("aria-hidden", "true");
        cell.append(number, count, label);
        row.append(cell);
        cells.push(cell);
      }
      weeks.append(row);
    }

    function firstOfMonth() { return isoDay(month.year, month.index, 1); }
    function daysInMonth() { return new Date(Date.UTC(month.year, month.index + 1, 0)).getUTCDate(); }
    function monthOf(isoDate) { return isoDate.slice(0, 7); }
    function shownMonth() { return firstOfMonth().slice(0, 7); }

    // What a day is: past, closed, full, free, unopened (beyond the horizon) or unknown (a new
    // month loading). While a new search loads, the month's days keep what they were.
    function dayState(isoDate) {
      if (isoDate < today) return "past";
      if (horizon && isoDate > horizon) return "unopened";
      if (!known) return "unknown";
      if (closed.has(isoDate)) return "closed";
      return counts.get(isoDate) ? "free" : "full";
    }

    function dayLabel(isoDate, state) {
      const date = JonoLocale.formatDay(language, isoDate);
      const count = counts.get(isoDate) || 0;
      const what = {
        past: text.day_past,
        unopened: text.day_unopened,
        closed: text.day_closed,
        full: text.day_full,
        unknown: text.loading,
        free: format(options.plural.select(count) === "one" ? text.free_one : text.free_many, { count }),
      }[state];
      return date + ", " + what;
    }

    // Fill the cells for the month shown and the counts known (no cell is ever replaced).
    function render() {
      const offset = (new Date(Date.UTC(month.year, month.index, 1)).getUTCDay() + 6) % 7;
      const length = daysInMonth();
      const inMonth = (iso) => iso && monthOf(iso) === shownMonth();
      if (!inMonth(focusDay)) focusDay = null;
      const days = [];
      cells.forEach((cell, position) => {
        const day = position - offset + 1;
        const isoDate = day >= 1 && day <= length ? isoDay(month.year, month.index, day) : null;
        const [number, count, label] = cell.children;
        if (position % 7 === 0) cell.parentElement.hidden = day > length;  // an unused sixth week
        if (!isoDate) {
          cell.removeAttribute("role");
          cell.removeAttribute("tabindex");
          label.textContent = "";
          cell.removeAttribute("aria-selected");
          cell.removeAttribute("aria-disabled");
          delete cell.dataset.date;
          cell.className = "calendar-blank";
          number.textContent = "";
          count.textContent = "";
          return;
        }
        const state = dayState(isoDate);
        days.push([isoDate, state]);
        cell.setAttribute("role", "gridcell");
        cell.dataset.date = isoDate;
        cell.className = "calendar-day is-" + state + (isoDate === today ? " is-today" : "");
        label.textContent = dayLabel(isoDate, state);
        cell.setAttribute("aria-selected", String(isoDate === selected));
        if (state === "free" || state === "unknown") cell.removeAttribute("aria-disabled");
        else cell.setAttribute("aria-disabled", "true");
        number.textContent = String(day);
        count.textContent = {
          free: String(counts.get(isoDate) || ""),
          closed: text.closed_short,
          full: text.full_short,
        }[state] || "";
      });
      if (!focusDay) {
        const pick = (wanted) => days.find(([iso, state]) => wanted(iso, state));
        const found = pick((iso) => iso === selected) || pick((_, state) => state === "free")
          || pick((iso) => iso === today) || days[0];
        focusDay = found[0];
      }
      for (const cell of cells) {
        if (cell.dataset.date) cell.tabIndex = cell.dataset.date === focusDay ? 0 : -1;
      }
      const firstMonth = monthOf(today) >= shownMonth();
      $("month-previous").disabled = firstMonth;
      $("month-next").disabled = Boolean(horizon) && monthOf(horizon) <= shownMonth();
      $("month-title").textContent = JonoLocale.formatMonth(language, month.year, month.index);
    }

    function cellOf(isoDate) { return cells.find((cell) => cell.dataset.date === isoDate); }

    // ---- the month's counts ----
    async function load(force) {
      query = options.query();
      const wanted = query && JSON.stringify([query, firstOfMonth()]);
      // The same search again: the answer on its way (or shown) stays the one that counts.
      if (query && !force && wanted === shown && !section.hidden) return;
      const mine = ++monthRequest;
      if (!query) { section.hidden = true; shown = null; shownQuery = null; return; }
      const queryChanged = JSON.stringify(query) !== shownQuery;
      shown = wanted;
      shownQuery = JSON.stringify(query);
      section.hidden = false;
      grid.setAttribute("aria-busy", "true");
      $("calendar-status").textContent = text.loading;
      render();
      if (selected && queryChanged) showTimes(selected);  // the chosen day, for the new search
      try {
        const params = new URLSearchParams({ ...query, from: firstOfMonth(), days: String(daysInMonth()) });
        const page = await call("GET", "/free-days?" + params);
        if (mine !== monthRequest) return;
        today = page.today;
        horizon = page.horizon_day;
        counts = new Map(page.days.map((day) => [day.date, day.free_count]));
        closed = new Set(page.closed_days);
        known = true;
        grid.removeAttribute("aria-busy");
        $("calendar-status").textContent = page.days.length ? "" : text.no_free_days;
        render();
      } catch (error) {
        if (mine !== monthRequest) return;
        grid.removeAttribute("aria-busy");
        $("calendar-status").textContent = error.message;
        shown = null;
      }
    }

    function showMonth(year, index) {
      const moment = new Date(Date.UTC(year, index, 1));
      month = { year: moment.getUTCFullYear(), index: moment.getUTCMonth() };
      counts = new Map();
      closed = new Set();
      known = false;
      load();
    }

    // ---- choosing a day, and its times ----
    function choose(isoDate) {
      const state = dayState(isoDate);
      if (state !== "free" && state !== "unknown") return;
      selected = isoDate;
      focusDay = isoDate;
      render();
      showTimes(isoDate, true);
    }

    function partOfDay(time) {
      if (time < AFTERNOON_FROM) return "morning";
      return time < EVENING_FROM ? "afternoon" : "evening";
    }

    // Ask for a day's times and show them by part of the day; `reveal` scrolls them into view
    // (a day just chosen), else the page stays where it is (the same day for a new search).
    async function showTimes(isoDate, reveal) {
      const area = $("times");
      const list = $("calendar-times");
      const mine = ++dayRequest;
      options.say($("times-problem"));
      $("chosen-day").textContent = JonoLocale.formatDay(language, isoDate);
      area.hidden = false;
      area.setAttribute("aria-busy", "true");
      let slots;
      try {
        const params = new URLSearchParams({ ...options.query(), from: isoDate, days: "1" });
        slots = (await call("GET", "/free-slots?" + params)).slots.filter((slot) => slot.date === isoDate);
      } catch (error) {
        if (mine === dayRequest) { area.removeAttribute("aria-busy"); options.say($("times-problem"), "error", error.message); }
        return;
      }
      if (mine !== dayRequest) return;
      area.removeAttribute("aria-busy");
      const groups = [];
      for (const part of ["morning", "afternoon", "evening"]) {
        const times = slots.filter((slot) => partOfDay(slot.time) === part);
        if (!times.length) continue;
        const group = document.createElement("div");
        group.className = "time-group";
        group.setAttribute("role", "group");
        const heading = document.createElement("h4");
        heading.id = "times-" + part;
        heading.textContent = text["part_" + part] + " (" + times.length + ")";
        group.setAttribute("aria-labelledby", heading.id);
        const buttons = document.createElement("div");
        buttons.className = "time-list";
        for (const slot of times) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "button calendar-time numeric";
          button.dataset.time = slot.time;
          button.setAttribute("aria-pressed", "false");
          button.textContent = slot.time;
          button.addEventListener("click", () => options.choose(slot, button));
          buttons.append(button);
        }
        group.append(heading, buttons);
        groups.push(group);
      }
      list.replaceChildren(...groups);
      if (!slots.length) options.say($("times-problem"), "warn", text.day_taken_meanwhile);
      else if (reveal) area.scrollIntoView({ block: "nearest" });
    }

    function pressTime(button) {
      document.querySelectorAll(".calendar-time").forEach((other) =>
        other.setAttribute("aria-pressed", String(other === button)));
    }

    // ---- pointer and keyboard ----
    weeks.addEventListener("click", (event) => {
      const cell = event.target.closest("td[data-date]");
      if (cell) choose(cell.dataset.date);
    });

    function moveFocus(isoDate) {
      if (monthOf(isoDate) !== shownMonth()) {
        const [year, monthNumber] = isoDate.split("-").map(Number);
        const target = year * 12 + monthNumber - 1;
        const first = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1;
        const last = horizon ? Number(horizon.slice(0, 4)) * 12 + Number(horizon.slice(5, 7)) - 1 : Infinity;
        if (target < first || target > last) return;
        focusDay = isoDate;
        showMonth(year, monthNumber - 1);
      }
      focusDay = isoDate;
      render();
      cellOf(isoDate).focus();
    }

    weeks.addEventListener("keydown", (event) => {
      const cell = event.target.closest("td[data-date]");
      if (!cell) return;
      const day = cell.dataset.date;
      const weekday = (new Date(day + "T00:00:00Z").getUTCDay() + 6) % 7;
      const [year, monthNumber, date] = day.split("-").map(Number);
      const sameDayOf = (shift) => {
        const length = new Date(Date.UTC(year, monthNumber - 1 + shift + 1, 0)).getUTCDate();
        return isoDay(year, monthNumber - 1 + shift, Math.min(date, length));
      };
      const moves = {
        ArrowLeft: () => addDays(day, -1),
        ArrowRight: () => addDays(day, 1),
        ArrowUp: () => addDays(day, -7),
        ArrowDown: () => addDays(day, 7),
        Home: () => addDays(day, -weekday),
        End: () => addDays(day, 6 - weekday),
        PageUp: () => sameDayOf(-1),
        PageDown: () => sameDayOf(1),
      };
      if (moves[event.key]) {
        event.preventDefault();
        moveFocus(moves[event.key]());
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(day);
      }
    });

    $("month-previous").addEventListener("click", () => showMonth(month.year, month.index - 1));
    $("month-next").addEventListener("click", () => showMonth(month.year, month.index + 1));
    render();
    return { load, pressTime, selectedDay: () => selected };
  }

  root.BookingCalendar = BookingCalendar;
})(this);
