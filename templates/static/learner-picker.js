// The learner picker (templates/macros/learner_picker.html): suggestions as one types, the first highlighted;
// Enter (or the phone keyboard's "go") or a tap takes the highlighted one. Enter pressed before the suggestions
// arrive takes the first one for what was typed. Without JavaScript, the "Chercher" button asks the server.
(function () {
  "use strict";
  if (!window.fetch || !document.querySelector) { return; }

  function setup(root) {
    var input = root.querySelector(".picker-search input");
    var list = root.querySelector(".picker-list");
    var chosen = root.querySelector(".picker-chosen");
    var status = root.querySelector(".picker-status");
    var template = root.querySelector(".picker-template");
    var search = root.querySelector(".picker-search");
    var multiple = root.getAttribute("data-multiple") === "1";
    var url = root.getAttribute("data-search-url");
    var fixed = (root.getAttribute("data-exclude") || "").split(",").filter(Boolean);
    var shown = { query: "", items: [] };
    var active = -1;
    var timer = null;
    var latest = 0;
    var pickFor = null; // the text Enter was pressed on, while its suggestions were on their way

    root.classList.add("js");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function chosenIds() {
      return Array.prototype.map.call(chosen.querySelectorAll("li[data-id]"), function (item) {
        return item.getAttribute("data-id");
      });
    }

    function say(text) { status.textContent = text; }

    function recount() { // as the server writes it: "3 participants avec fiche, dont 1 absent"
      var counter = root.querySelector(".picker-count");
      if (!counter) { return; }
      var all = chosenIds().length;
      var absent = chosen.querySelectorAll("input[name=absent]:checked").length;
      counter.hidden = !all;
      counter.textContent = all + " participant" + (all > 1 ? "s" : "") + " avec fiche" +
        (absent ? ", dont " + absent + " absent" + (absent > 1 ? "s" : "") : "");
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (option, n) { option.setAttribute("aria-selected", n === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render(query, items) {
      shown = { query: query, items: items };
      list.textContent = "";
      if (!items.length) {
        close();
        say(query.length >= 2 ? "Aucune fiche ne correspond à « " + query + " »." : "");
        return;
      }
      items.forEach(function (learner, n) {
        var option = document.createElement("li");
        option.id = list.id + "-" + n;
        option.setAttribute("role", "option");
        option.textContent = learner.name;
        if (learner.detail) {
          var detail = document.createElement("span");
          detail.className = "muted";
          detail.textContent = " (" + learner.detail + ")";
          option.appendChild(detail);
        }
        option.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the focus
        option.addEventListener("click", function () { take(learner); });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(0);
      say(items.length + (items.length > 1 ? " fiches correspondent" : " fiche correspond") +
        " ; Entrée choisit " + items[0].name + ".");
    }

    function ask(query) {
      var ticket = ++latest;
      var exclude = fixed.concat(chosenIds()).join(",");
      return fetch(url + "?q=" + encodeURIComponent(query) + "&exclude=" + encodeURIComponent(exclude), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (items) {
        if (pickFor === query) {
          pickFor = null;
          var taken = chosenIds();
          var first = items.filter(function (learner) { return taken.indexOf(String(learner.id)) < 0; })[0];
          if (first) { take(first); } else { say("Aucune fiche ne correspond à « " + query + " »."); }
          if (input.value.trim() !== "" && input.value.trim() !== query) { schedule(); }
          return;
        }
        if (ticket === latest && input.value.trim() === query) { render(query, items); }
      }).catch(function () { say("La recherche n'a pas abouti : vérifiez la connexion, ou touchez « Chercher »."); });
    }

    function schedule() {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { close(); say(""); return; }
      timer = setTimeout(function () { timer = null; ask(query); }, 120);
    }

    function take(learner) {
      if (chosenIds().indexOf(String(learner.id)) >= 0) { return; }
      var item = template.content.firstElementChild.cloneNode(true);
      item.setAttribute("data-id", learner.id);
      item.querySelector("input[type=hidden]").value = learner.id;
      item.querySelectorAll("[data-name]").forEach(function (slot) { slot.textContent = learner.name; });
      var absent = item.querySelector("input[type=checkbox]");
      if (absent) {
        absent.id = "absent_" + learner.id;
        absent.value = learner.id;
        item.querySelector("label").htmlFor = absent.id;
      }
      if (!multiple) { chosen.textContent = ""; }
      chosen.appendChild(item);
      chosen.hidden = false;
      input.value = "";
      close();
      if (multiple) {
        recount();
        say(learner.name + " ajouté·e.");
        input.focus();
      } else {
        search.hidden = true;
        say(learner.name + " choisi·e.");
        item.querySelector(".picker-remove").focus();
      }
    }

    input.addEventListener("input", schedule);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Enter") {
        if (!multiple && !input.value.trim()) { return; } // an empty filter field: Enter sends the form, as usual
        event.preventDefault();
        enter();
      }
    });
    if (input.form) { // a phone keyboard whose "go" key sends no Enter key event submits the form instead
      input.form.addEventListener("submit", function (event) {
        var via = event.submitter;
        var implicit = !via || via.value === "enter" || via.classList.contains("picker-go");
        if (implicit && document.activeElement === input && input.value.trim()) {
          event.preventDefault();
          enter();
        }
      });
    }

    function enter() { // take the highlighted suggestion, or the first one for what was typed once it arrives
      var query = input.value.trim();
      if (query.length < 2) { return; }
      if (timer === null && shown.query === query && shown.items.length && active >= 0) {
        take(shown.items[active]);
      } else {
        clearTimeout(timer);
        timer = null;
        pickFor = query;
        ask(query);
      }
    }
    input.addEventListener("blur", function () { setTimeout(close, 150); });

    chosen.addEventListener("click", function (event) {
      var remove = event.target.closest(".picker-remove");
      if (!remove) { return; }
      event.preventDefault();
      var item = remove.closest("li");
      var name = item.querySelector(".picker-name").textContent;
      item.remove();
      chosen.hidden = !chosen.querySelector("li");
      search.hidden = false;
      recount();
      say(multiple ? name + " retiré·e." : "Choisissez une autre fiche.");
      input.focus();
    });
    chosen.addEventListener("change", function (event) {
      if (event.target.name === "absent") {
        event.target.closest("li").classList.toggle("is-absent", event.target.checked);
        recount();
      }
    });
  }

  document.querySelectorAll("[data-picker]").forEach(setup);
}());
