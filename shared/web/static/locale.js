// The browser locale a page formats dates and times with, for a page language: English is
// written the British way (day before month, 24-hour clock), as read in Finland, not US-style.
(function (root) {
  "use strict";

  const LOCALES = { en: "en-GB" };  // fi and sv are already written as in Finland

  function localeFor(language) {
    return LOCALES[language] || language;
  }

  const api = { localeFor: localeFor };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.JonoLocale = api;
})(this);
