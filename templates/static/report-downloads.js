// The report's downloads say that the file is being prepared (a PDF takes a second or so), then hand it over.
// Without JavaScript, or if anything fails, the links download the file as plain links do.
(function () {
  "use strict";
  var status = document.getElementById("download-status");
  if (!status || !window.fetch || !window.URL || !URL.createObjectURL) { return; }
  var busy = false;

  function filename(response, fallback) {
    var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return match ? match[1] : fallback;
  }

  document.querySelectorAll("a[data-download]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      var kind = link.getAttribute("data-download");
      status.textContent = "Préparation du fichier " + kind + "…";
      link.setAttribute("aria-busy", "true");
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = filename(response, "rapport." + kind.toLowerCase());
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          status.textContent = "Fichier " + kind + " prêt : il est dans vos téléchargements.";
        });
      }).catch(function () {
        status.textContent = "";
        window.location.href = link.href;
      }).finally(function () {
        busy = false;
        link.removeAttribute("aria-busy");
      });
    });
  });
})();
