// Spoken answers: record with the microphone, send the recording for the prompt on the page,
// then open the page that shows what was heard, in the answer box, for correction.
// The recorder stays hidden where it cannot work (no script, no MediaRecorder, no Opus), and
// typing always works. A file, not an inline script, so the Content-Security-Policy holds.
(function () {
  var form = document.getElementById("recorder");
  var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"];  // what the server accepts
  if (!form || !window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var type = types.filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0];
  if (!type) { return; }
  var LIMIT_MS = 15 * 60 * 1000;  // well within the server's 10 MB at 32 kbit/s
  var button = form.querySelector("button");
  var status = form.querySelector("[role=status]");
  var label = button.textContent;
  var recorder = null;
  var stopTimer = null;
  form.hidden = false;

  function say(text) { status.textContent = text; }
  function resetButton() { button.textContent = label; button.disabled = false; }

  function start() {
    button.disabled = true;
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var chunks = [];
      recorder = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: 32000 });
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) { chunks.push(event.data); }
      });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        clearTimeout(stopTimer);
        send(new Blob(chunks, { type: type.split(";")[0] }));
      });
      recorder.start(1000);
      stopTimer = setTimeout(stop, LIMIT_MS);
      button.textContent = form.dataset.stop;
      button.disabled = false;
      say(form.dataset.recording);
    }, function () {
      button.disabled = false;
      say(form.dataset.noMicrophone);
    });
  }

  function stop() {
    if (recorder && recorder.state !== "inactive") {
      button.disabled = true;
      recorder.stop();
    }
  }

  // An error comes back as the site's error page, in the page's language: what it says under
  // its heading is shown beside the button, and the candidate can try again or type.
  function refused(response) {
    return response.text().then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var found = page.querySelector("h1 + p") || page.querySelector("h1");
      say((found && found.textContent.trim()) || form.dataset.failed);
    });
  }

  function send(blob) {
    var body = new FormData();
    body.append("prompt", form.dataset.prompt);
    body.append("recording", blob, "answer." + (blob.type === "audio/ogg" ? "ogg" : "webm"));
    say(form.dataset.sending);
    fetch(form.dataset.upload, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { return refused(response); }
        // Sent on to the correction page: go there as a form submission, which the
        // leaving-the-page note (candidate.js) knows is no leaving.
        var name = new URL(response.url).searchParams.get("recording") || "";
        form.querySelector("input[name=recording]").value = name;
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      })
      .catch(function () { say(form.dataset.failed); })
      .then(function () { recorder = null; resetButton(); });
  }

  button.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") { stop(); } else if (!recorder) { start(); }
  });
})();
