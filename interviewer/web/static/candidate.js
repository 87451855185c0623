// Leaving the page (another tab or window) is noted for the recruiter; submitting is not leaving.
// Served as a file so the Content-Security-Policy needs no inline script.
(function () {
  var page = document.querySelector("[data-left-url]");
  if (!page) { return; }
  var submitting = false;
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () { submitting = true; });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !submitting) {
      navigator.sendBeacon(page.getAttribute("data-left-url"));
    }
  });
})();
