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

// Header menus are <details>: they work without JavaScript. With it, opening one closes the others, and a
// click elsewhere or Escape closes them all.
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.nav-menu"));
  if (!menus.length) return;
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) menus.forEach(function (other) { if (other !== menu) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") menus.forEach(function (menu) { menu.open = false; });
  });
})();
