// Participant search as you type. Without JavaScript the "Chercher" button does the same on the server.
(function () {
  "use strict";
  var input = document.getElementById("participant_q");
  var list = document.getElementById("participant-list");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;

  function chosenIds() {
    var ids = {};
    list.querySelectorAll('input[name="participant"]:checked').forEach(function (box) { ids[box.value] = true; });
    return ids;
  }

  function row(learner) {
    var item = document.createElement("li");
    item.setAttribute("data-found", "1");
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = "participant"; box.value = learner.id; box.id = "p_" + learner.id;
    var label = document.createElement("label");
    label.htmlFor = box.id; label.textContent = learner.name;
    var absentWrap = document.createElement("span");
    absentWrap.className = "absent";
    var absent = document.createElement("input");
    absent.type = "checkbox"; absent.name = "absent"; absent.value = learner.id; absent.id = "absent_" + learner.id;
    var absentLabel = document.createElement("label");
    absentLabel.htmlFor = absent.id; absentLabel.textContent = "absent";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden"; hidden.textContent = " : " + learner.name;
    absentLabel.appendChild(hidden);
    absentWrap.appendChild(absent); absentWrap.appendChild(absentLabel);
    item.appendChild(box); item.appendChild(label); item.appendChild(absentWrap);
    return item;
  }

  function show(learners) {
    var chosen = chosenIds();
    list.querySelectorAll("li").forEach(function (item) {
      var box = item.querySelector('input[name="participant"]');
      if (!box || !box.checked) { item.remove(); }
    });
    learners.forEach(function (learner) {
      if (!chosen[String(learner.id)]) { list.appendChild(row(learner)); }
    });
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var query = input.value.trim();
    timer = setTimeout(function () {
      if (query.length < 2) { return; }
      fetch("/learners/search?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(show)
        .catch(function () { /* the server-side search button still works */ });
    }, 150);
  });
}());
