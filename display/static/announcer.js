// Spoken call-outs for the lobby display: a chime, then "Number A 42, counter 5" in each
// configured language. Calls wait in a queue and never overlap; a recall is announced again.
// The audio is made on the server (espeak-ng, offline); when it cannot speak, the chime still plays.
// The server speaks only numbers issued today at `servicePoint`, so every call-out names it.
window.JonoAnnouncer = function (servicePoint, languages, onStart) {
  "use strict";
  const chimeUrl = "/api/v1/speech/chime";
  const longestClipMilliseconds = 15000;  // a clip that never ends must not stop the queue
  const waiting = [];
  let isRunning = false;
  let canSpeak = true;

  fetch("/api/v1/speech/status", { cache: "no-store" })
    .then((response) => (response.ok ? response.json() : null))
    .then((status) => { if (status) canSpeak = status.is_available; })
    .catch(() => { /* offline: try the call-outs anyway; a failing clip is skipped */ });

  function callUrl(call, language) {
    return "/api/v1/speech/call?service_point=" + encodeURIComponent(servicePoint) +
      "&number=" + encodeURIComponent(call.number) +
      "&counter=" + encodeURIComponent(call.counter) + "&language=" + encodeURIComponent(language);
  }

  // Plays one clip to its end; resolves (never rejects) on end, error, refusal or timeout.
  function play(url) {
    return new Promise((resolve) => {
      const audio = new Audio();
      let timer = null;
      function done() {
        clearTimeout(timer);
        audio.onended = audio.onerror = null;
        resolve();
      }
      audio.onended = done;
      audio.onerror = done;
      timer = setTimeout(done, longestClipMilliseconds);
      audio.src = url;
      const started = audio.play();
      if (started && started.catch) started.catch(() => setTimeout(done, 300));
    });
  }

  async function run() {
    isRunning = true;
    while (waiting.length) {
      const call = waiting.shift();
      if (onStart) onStart(call);
      await play(chimeUrl);
      if (!canSpeak) continue;
      for (const language of languages) await play(callUrl(call, language));
    }
    isRunning = false;
  }

  return {
    announce(call) {
      waiting.push(call);
      if (!isRunning) run();
    },
    pending() { return waiting.length + (isRunning ? 1 : 0); },
  };
};
