// Lobby display: the current call large, the recent calls, and the queues' waiting counts.
(function () {
  "use strict";
  const root = document.getElementById("display");
  const text = JSON.parse(document.getElementById("display-text").textContent);
  let shownCall = null;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  function render(snapshot) {
    const latest = snapshot.recent_calls[0];
    document.getElementById("current-number").textContent = latest ? latest.number : "–";
    document.getElementById("current-counter").textContent = latest ? String(latest.counter) : "–";
    const key = latest ? latest.number + "@" + latest.counter + "@" + latest.at : null;
    if (key && shownCall !== null && key !== shownCall) flash();
    shownCall = key;

    const list = document.getElementById("recent-calls");
    list.replaceChildren(...snapshot.recent_calls.slice(1).map((call) => {
      const item = document.createElement("li");
      const number = document.createElement("span");
      number.textContent = call.number;
      const counter = document.createElement("span");
      counter.textContent = text.counter + " " + call.counter;
      item.append(number, counter);
      return item;
    }));

    const queues = document.getElementById("queue-counts");
    queues.replaceChildren(...snapshot.queues.filter((queue) => queue.kind !== "appointment" || queue.waiting_count)
      .map((queue) => {
        const box = document.createElement("div");
        box.textContent = format(text.waiting, {
          queue: queue.name[text.language] || queue.name.en,
          count: queue.waiting_count,
          minutes: queue.estimated_wait_minutes,
        });
        return box;
      }));
  }

  function flash() {
    const box = document.getElementById("current-call");
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation
    box.classList.add("flash");
  }

  function tick() {
    document.getElementById("clock").textContent = new Date().toLocaleTimeString(text.language, {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: text.timezone,
    });
  }
  tick();
  setInterval(tick, 10000);

  window.JonoLive(root.dataset.servicePoint, render, null, null);
})();
