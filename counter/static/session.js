// The clerk's session as the counter page's scripts share it: the CSRF token that every POST,
// PUT and DELETE carries (X-CSRF-Token), and the mark of a background refresh, which does not
// keep an unattended session alive (so a clerk who walks away is logged out in time).
window.JonoSession = (function () {
  "use strict";
  let token = null;
  return {
    setToken: function (value) { token = value || null; },
    headers: function (method, isBackground) {
      const headers = {};
      if (token && method !== "GET") headers["X-CSRF-Token"] = token;
      if (isBackground) headers["X-Jono-Background"] = "1";
      return headers;
    },
    // The server ended the session (401): tell the page, which shows the login again.
    ended: function () { document.dispatchEvent(new CustomEvent("jono-session-ended")); },
  };
})();
