// People and devices of one service point (manage/templates/manage/people.html): lists the
// accounts, kiosks and counters through the API and acts on them; every answer is said in the
// status line next to what was pressed. Texts come translated from the page's data attributes.
(function () {
  "use strict";
  const app = document.getElementById("people-app");
  if (!app) return;
  const point = app.dataset.servicePoint;
  const text = app.dataset;
  const base = "/service-points/" + encodeURIComponent(point);
  const pointNames = {};
  document.querySelectorAll('#add-account-form input[name="service_points"]').forEach(function (box) {
    pointNames[box.value] = box.parentElement.textContent.trim();
  });

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function ([key, value]) {
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function button(label, className, onClick) {
    const node = element("button", { type: "button", className: "button " + (className || ""), text: label });
    node.addEventListener("click", onClick);
    return node;
  }

  // Run an API call from a pressed button and say the outcome in `status`.
  async function act(pressed, status, method, path, body, done) {
    pressed.disabled = true;
    JonoManage.say(status, "", false);
    const result = await JonoManage.api(method, path, body);
    pressed.disabled = false;
    if (!result.ok) {
      JonoManage.say(status, JonoManage.errorText(result, text.textFailed), true);
      return null;
    }
    JonoManage.say(status, text.textSaved, false);
    const data = result.data || {};  // 204: done, with nothing to say
    if (done) done(data);
    return data;
  }

  function showOneTime(status, password) {
    status.textContent = "";
    status.classList.remove("error");
    status.appendChild(element("span", { text: text.textOneTime + " " }));
    status.appendChild(element("strong", { className: "one-time", text: password }));
  }

  function accountRow(account) {
    const status = element("p", { className: "status-line", role: "status" });
    const role = text["textRole" + account.role.charAt(0).toUpperCase() + account.role.slice(1)] || account.role;
    let points = account.every_point ? text.textEveryPoint : account.service_points.map(function (id) { return pointNames[id] || id; }).join(", ");
    if (account.works_elsewhere && !account.every_point) points += " (" + text.textElsewhere + ")";
    const state = element("td", { className: account.disabled ? "state-disabled" : "", text: account.disabled ? text.textDisabled : text.textEnabled });
    const actions = element("td");
    if (account.may_change) {
      const path = base + "/accounts/" + encodeURIComponent(account.username);
      const buttons = element("div", { className: "actions" });
      buttons.appendChild(button(account.disabled ? text.textEnable : text.textDisable, account.disabled ? "" : "button-danger", function (event) {
        act(event.currentTarget, status, "POST", path + (account.disabled ? "/enable" : "/disable"), undefined, loadAccounts);
      }));
      buttons.appendChild(button(text.textReset, "", async function (event) {
        const data = await act(event.currentTarget, status, "POST", path + "/password", {});
        if (data && data.one_time_password) showOneTime(status, data.one_time_password);
      }));
      actions.appendChild(buttons);
      if (Object.keys(pointNames).length > 1 && !account.every_point && !account.works_elsewhere) {
        const boxes = element("div", { className: "account-points" });
        Object.keys(pointNames).forEach(function (id) {
          const box = element("input", { type: "checkbox", value: id });
          box.checked = account.service_points.includes(id);
          boxes.appendChild(element("label", {}, [box, document.createTextNode(" " + pointNames[id])]));
        });
        boxes.appendChild(button(text.textPoints, "button-quiet", function (event) {
          const chosen = Array.from(boxes.querySelectorAll("input:checked")).map(function (box) { return box.value; });
          act(event.currentTarget, status, "PUT", path + "/service-points", { service_points: chosen }, loadAccounts);
        }));
        actions.appendChild(boxes);
      }
    } else {
      actions.appendChild(element("span", { className: "form-hint", text: text.textNotYours }));
    }
    actions.appendChild(status);
    return element("tr", { "data-username": account.username }, [
      element("th", { scope: "row", text: account.username }),
      element("td", { text: role }),
      element("td", { text: points }),
      state,
      actions,
    ]);
  }

  async function loadAccounts() {
    const result = await JonoManage.api("GET", base + "/accounts");
    const body = document.getElementById("accounts");
    if (!result.ok) { JonoManage.say(document.getElementById("accounts-status"), JonoManage.errorText(result, text.textFailed), true); return; }
    body.replaceChildren.apply(body, result.data.accounts.map(accountRow));
  }

  function kioskRow(kiosk) {
    const status = element("p", { className: "status-line", role: "status" });
    const path = base + "/kiosks/" + kiosk.id;
    const nameInput = element("input", { type: "text", value: kiosk.name, maxlength: "60", "aria-label": text.textKioskName.replace("{id}", kiosk.id) });
    const actions = element("div", { className: "actions" });
    if (kiosk.state !== "revoked") {
      actions.appendChild(button(text.textRename, "button-quiet", function (event) {
        act(event.currentTarget, status, "PUT", path + "/name", { name: nameInput.value }, loadKiosks);
      }));
      actions.appendChild(button(text.textRevoke, "button-danger", function (event) {
        if (!window.confirm(text.textConfirmRevoke)) return;
        act(event.currentTarget, status, "DELETE", path, undefined, loadKiosks);
      }));
    }
    const stateText = text["textState" + kiosk.state.charAt(0).toUpperCase() + kiosk.state.slice(1)] || kiosk.state;
    return element("tr", { "data-kiosk": String(kiosk.id) }, [
      element("th", { scope: "row", className: "numeric", text: String(kiosk.id) }),
      element("td", {}, [kiosk.state === "revoked" ? element("span", { text: kiosk.name }) : nameInput]),
      element("td", { text: stateText }),
      element("td", {}, [actions, status]),
    ]);
  }

  async function loadKiosks() {
    const result = await JonoManage.api("GET", base + "/kiosks");
    const body = document.getElementById("kiosks");
    if (!result.ok) { JonoManage.say(document.getElementById("kiosks-status"), JonoManage.errorText(result, text.textFailed), true); return; }
    body.replaceChildren.apply(body, result.data.kiosks.map(kioskRow));
  }

  function counterRow(seat) {
    const status = element("p", { className: "status-line", role: "status" });
    const cell = element("td");
    if (seat.clerk) {
      cell.appendChild(button(text.textFree, "button-danger", async function (event) {
        const data = await act(event.currentTarget, status, "DELETE", base + "/counters/" + seat.counter + "/clerk", undefined, loadCounters);
        if (data) JonoManage.say(document.getElementById("counters-status"), text.textFreeCounter.replace("{n}", seat.counter), false);
      }));
    }
    cell.appendChild(status);
    return element("tr", { "data-counter": String(seat.counter) }, [
      element("th", { scope: "row", className: "numeric", text: String(seat.counter) }),
      element("td", { text: seat.clerk || text.textNobody }),
      cell,
    ]);
  }

  async function loadCounters() {
    const result = await JonoManage.api("GET", base + "/counter-seats");
    const body = document.getElementById("counters");
    if (!result.ok) { JonoManage.say(document.getElementById("counters-status"), JonoManage.errorText(result, text.textFailed), true); return; }
    body.replaceChildren.apply(body, result.data.counters.map(counterRow));
  }

  const accountForm = document.getElementById("add-account-form");
  accountForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const status = document.getElementById("add-account-status");
    const chosen = Array.from(accountForm.querySelectorAll('input[name="service_points"]:checked')).map(function (box) { return box.value; });
    const body = { username: accountForm.username.value.trim(), role: accountForm.role.value };
    if (chosen.length) body.service_points = chosen;
    if (accountForm.password.value) body.password = accountForm.password.value;
    const data = await act(document.getElementById("add-account-submit"), status, "POST", base + "/accounts", body, loadAccounts);
    if (data) {
      accountForm.username.value = "";
      accountForm.password.value = "";
      if (data.one_time_password) showOneTime(status, data.one_time_password);
    }
  });

  const kioskForm = document.getElementById("add-kiosk-form");
  kioskForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const status = document.getElementById("add-kiosk-status");
    const data = await act(document.getElementById("add-kiosk-submit"), status, "POST", base + "/kiosks", { name: kioskForm.name.value.trim() }, loadKiosks);
    if (data) {
      kioskForm.name.value = "";
      document.getElementById("pairing-address").textContent = data.pairing_address;
      // The QR code is an SVG drawn by this server (shared/web/qr.py), never text of a user.
      document.getElementById("pairing-qr").innerHTML = data.pairing_qr_svg;
      document.getElementById("pairing").hidden = false;
    }
  });

  loadAccounts();
  loadKiosks();
  loadCounters();
})();
