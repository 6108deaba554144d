// Read aloud: speaks the kiosk screen on show in the chosen language. The page names the screen
// (and, on the ticket screen, the number and estimate); the server supplies the words.
(function () {
  "use strict";
  const root = document.getElementById("kiosk");
  const button = document.getElementById("read-aloud");
  let playing = null;

  function currentScreen() {
    const screen = document.querySelector("#kiosk .screen:not([hidden])");
    if (!screen) return null;
    const name = screen.id.replace(/^screen-/, "").replace(/-/g, "_");
    if (name === "book_online" && !document.getElementById("book-online-title-foreign-passport").hidden) {
      return "book_online_foreign_passport";
    }
    if (name === "expiry") {
      const title = screen.querySelector("[data-title-for]:not([hidden])");
      return "expiry_" + (title ? title.dataset.titleFor : "residence_permit");
    }
    return name;
  }

  function urlsFor(screen) {
    const base = "/api/v1/speech/kiosk/" + screen + "?language=";
    // Nobody has chosen yet: Finnish, then Swedish, then English (LANGUAGE_SCREEN_ORDER).
    if (screen === "language") return ["fi", "sv", "en"].map((language) => base + language);
    let url = base + root.dataset.language;
    if (screen === "ticket") {  // the server speaks only a number issued today at this point
      url += "&service_point=" + encodeURIComponent(root.dataset.servicePoint);
      url += "&number=" + encodeURIComponent(document.getElementById("ticket-number").textContent);
      const ahead = document.getElementById("people-ahead").dataset.count;
      const minutes = document.getElementById("estimated-wait").dataset.minutes;
      if (ahead !== undefined) url += "&people_ahead=" + encodeURIComponent(ahead);
      if (minutes !== undefined) url += "&minutes=" + encodeURIComponent(minutes);
    }
    return [url];
  }

  function stop() {
    if (playing) { playing.pause(); playing = null; }
    button.setAttribute("aria-pressed", "false");
  }

  async function readAloud() {
    if (playing) { stop(); return; }  // a second press stops the reading
    const screen = currentScreen();
    if (!screen) return;
    button.setAttribute("aria-pressed", "true");
    for (const url of urlsFor(screen)) {
      const audio = playing = new Audio(url);
      const finished = new Promise((resolve) => { audio.onended = audio.onerror = audio.onpause = resolve; });
      try { await audio.play(); await finished; } catch (error) { break; }
      if (playing !== audio) return;  // stopped
    }
    stop();
  }

  button.addEventListener("click", readAloud);
  // A new screen silences the old one's reading.
  new MutationObserver(() => { if (playing) stop(); })
    .observe(root, { subtree: true, attributes: true, attributeFilter: ["hidden"] });
})();
