// The browser locale a page formats dates and times with, for a page language: English is
// written the British way (day before month, 24-hour clock), as read in Finland, not US-style.
// The helpers below write dates and times the one way every page shows them: a calendar day
// ("2026-12-01") in words in the page's language, and a time of day as HH:MM on the 24-hour
// clock, as the server writes the times it sends.
(function (root) {
  "use strict";

  const LOCALES = { en: "en-GB" };  // fi and sv are already written as in Finland

  function localeFor(language) {
    return LOCALES[language] || language;
  }

  // A calendar day "YYYY-MM-DD" as a Date at UTC midnight, so no time zone moves it.
  function dayMoment(isoDate) {
    const [year, month, day] = isoDate.split("-").map(Number);
    return new Date(Date.UTC(year, month - 1, day));
  }

  // A calendar day in words: `parts` picks { weekday, year } (both shown unless false);
  // month "long" by default. "tiistai 1. joulukuuta 2026", "Tuesday 1 December 2026".
  function formatDay(language, isoDate, parts) {
    const wanted = parts || {};
    const options = { day: "numeric", month: wanted.month || "long", timeZone: "UTC" };
    if (wanted.weekday !== false) options.weekday = "long";
    if (wanted.year !== false) options.year = "numeric";
    // Comma-free in every language: en-GB puts one after the weekday only when a year follows.
    return new Intl.DateTimeFormat(localeFor(language), options)
      .format(dayMoment(isoDate))
      .replace(",", "");
  }

  // A month and its year: "joulukuu 2026", "December 2026".
  function formatMonth(language, year, monthIndex) {
    return new Intl.DateTimeFormat(localeFor(language), {
      month: "long", year: "numeric", timeZone: "UTC",
    }).format(new Date(Date.UTC(year, monthIndex, 1)));
  }

  // The weekday names from Monday: [{ short: "ma", long: "maanantai" }, …].
  function weekdayNames(language) {
    const locale = localeFor(language);
    const names = [];
    for (let offset = 0; offset < 7; offset++) {
      const moment = new Date(Date.UTC(2024, 0, 1 + offset));  // 1 January 2024 was a Monday
      names.push({
        short: new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" }).format(moment),
        long: new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(moment),
      });
    }
    return names;
  }

  // A moment's time of day on the 24-hour clock, HH:MM, in `timeZone` (default: the browser's).
  function formatTime(moment, timeZone) {
    const parts = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone,
    }).formatToParts(moment);
    const part = (type) => parts.find((item) => item.type === type).value;
    return part("hour") + ":" + part("minute");
  }

  // A moment's calendar day "YYYY-MM-DD" in the browser's time zone.
  function localDay(moment) {
    const month = String(moment.getMonth() + 1).padStart(2, "0");
    const day = String(moment.getDate()).padStart(2, "0");
    return moment.getFullYear() + "-" + month + "-" + day;
  }

  const api = { localeFor, formatDay, formatMonth, weekdayNames, formatTime, localDay };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.JonoLocale = api;
})(this);
