// Every page: when a form came back with errors, bring its error summary into view and focus it, so that
// a person (or a screen reader) starts from the list of what to correct instead of the top of a long page.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
})();
