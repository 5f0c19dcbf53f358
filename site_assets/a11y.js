/* Names Material's search dialog after its own search field (axe: aria-dialog-name). Done here
 * rather than by overriding the theme's search partial, which Zensical replaces with its own. */
(function () {
  "use strict";

  function nameDialogs() {
    var dialogs = document.querySelectorAll(".md-search[role='dialog']:not([aria-label])");
    Array.prototype.forEach.call(dialogs, function (dialog) {
      var input = dialog.querySelector("input[aria-label]");
      if (input) dialog.setAttribute("aria-label", input.getAttribute("aria-label"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameDialogs);
  } else {
    nameDialogs();
  }
})();
