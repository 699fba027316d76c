// "Copier le lien": puts the link of the field named by data-copy on the clipboard and says so. Without
// JavaScript (or a clipboard) the button stays hidden and the field, read-only, is selected and copied by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) { status.textContent = "Lien copié."; }
      }, function () {
        field.select();
        if (status) { status.textContent = "Copie impossible : le lien est sélectionné, copiez-le."; }
      });
    });
  });
})();
