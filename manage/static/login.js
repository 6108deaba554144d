// The manager pages' login: take the login's CSRF token (getLoginToken), log in (loginClerk),
// then reload, so the server renders the page asked for (or says why this account may not).
(function () {
  "use strict";
  const form = document.getElementById("manage-login-form");
  const status = document.getElementById("manage-login-status");
  const button = document.getElementById("manage-login-submit");
  if (!form) return;
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    JonoManage.say(status, "", false);
    const token = await JonoManage.api("GET", "/session");
    if (token.ok) JonoManage.setToken(token.data.csrf_token);
    const result = await JonoManage.api("POST", "/session", {
      username: form.username.value,
      password: form.password.value,
    });
    button.disabled = false;
    if (result.ok) {
      window.location.reload();
      return;
    }
    JonoManage.say(status, JonoManage.errorText(result, status.dataset.fallback || "—"), true);
    form.password.value = "";
    form.password.focus();
  });
})();
