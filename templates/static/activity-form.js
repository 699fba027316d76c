// The activity forms: one duration at a time (a chip or the typed minutes), and a weekly series' dates listed
// as they are chosen (the server computes them again and refuses a date in the future).
(function () {
  "use strict";
  var other = document.getElementById("duration_other");
  var chips = document.querySelectorAll("input[name=duration_minutes]");
  if (other) {
    other.addEventListener("input", function () {
      if (other.value) { chips.forEach(function (chip) { chip.checked = false; }); }
    });
    chips.forEach(function (chip) {
      chip.addEventListener("change", function () { if (chip.checked) { other.value = ""; } });
    });
  }

  var box = document.getElementById("occurrences");
  var repeat = document.getElementById("repeat");
  var weeks = document.getElementById("repeat_weeks");
  var first = document.getElementById("date");
  if (!box || !repeat || !weeks || !first) { return; }
  var days = box.getAttribute("data-days").split(",");
  var months = box.getAttribute("data-months").split(",");

  function shortDay(day) { // as the server's short_day: "mar. 8 déc."
    return days[(day.getUTCDay() + 6) % 7] + " " + day.getUTCDate() + " " + months[day.getUTCMonth()];
  }

  function today() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }

  function list() {
    var count = parseInt(weeks.value, 10);
    var start = first.value ? Date.parse(first.value + "T00:00:00Z") : NaN;
    box.textContent = "";
    if (!repeat.checked || !(count > 1) || count > 52 || isNaN(start)) { return; }
    var dates = [];
    var future = 0;
    for (var week = 0; week < count; week++) {
      var time = start + week * 7 * 86400000;
      dates.push(shortDay(new Date(time)));
      if (time > today()) { future++; }
    }
    var line = document.createElement("p");
    var text = dates.join(", ");
    line.textContent = count + " séances : " + text + (/\.$/.test(text) ? "" : ".");
    box.appendChild(line);
    if (future) {
      var warning = document.createElement("p");
      warning.className = "field-error";
      warning.textContent = future + (future > 1 ? " séances seraient" : " séance serait") +
        " dans le futur : choisissez comme date la première séance, déjà tenue.";
      box.appendChild(warning);
    }
  }

  [repeat, weeks, first].forEach(function (input) {
    input.addEventListener("input", list);
    input.addEventListener("change", list);
  });
  list();
}());
