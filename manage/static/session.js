// The manager pages' session (manage/templates/manage/layout.html): every call to the API goes
// through JonoManage.api, which sends the session's CSRF token (from <meta name="jono-csrf-token">)
// with every POST, PUT, PATCH and DELETE, and reloads the page when the session has ended (401),
// so the server shows the login again. The logout button of the layout is wired here too.
window.JonoManage = (function () {
  "use strict";
  const meta = document.querySelector('meta[name="jono-csrf-token"]');
  let token = meta ? meta.content : "";

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET" && token) headers["X-CSRF-Token"] = token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch("/api/v1" + path, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch (error) {
      return { ok: false, status: 0, data: null };
    }
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (error) { data = null; }
    }
    if (response.status === 401 && path !== "/session") window.location.reload();
    return { ok: response.ok, status: response.status, data: data };
  }

  // The refusal's text as the server said it in the page's language, or a fallback.
  function errorText(result, fallback) {
    return (result.data && result.data.error && result.data.error.message) || fallback;
  }

  // Show `text` in the status line next to the button that was pressed.
  function say(element, text, isError) {
    if (!element) return;
    element.textContent = text;
    element.classList.toggle("error", Boolean(isError));
    element.classList.toggle("ok", !isError && Boolean(text));
  }

  const logout = document.getElementById("manage-logout");
  if (logout) {
    logout.addEventListener("click", async function () {
      await api("DELETE", "/session");
      window.location.assign("/manage");
    });
  }

  return {
    api: api,
    errorText: errorText,
    say: say,
    setToken: function (value) { token = value || ""; },
  };
})();
