// The questionnaire one question a screen: a choice moves on to the next question; "Question précédente"
// goes back; sending with a question left unanswered shows that question. Without JavaScript, all show.
(function () {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  const form = document.querySelector("form[data-steps]");
  if (!form) return;
  const steps = Array.from(form.querySelectorAll(".feedback-step"));
  const firstError = steps.findIndex((step) => step.classList.contains("has-error"));
  let current = firstError >= 0 ? firstError : 0;
  form.classList.add("js-steps");

  function show(index, focus) {
    current = index;
    steps.forEach((step, i) => { step.hidden = i !== index; });
    if (focus) {
      const legend = steps[index].querySelector("legend");
      legend.setAttribute("tabindex", "-1");
      legend.focus();
    }
  }

  steps.forEach((step, index) => {
    for (const radio of step.querySelectorAll("input[type=radio]")) {
      radio.addEventListener("change", () => {
        if (index < steps.length - 1) setTimeout(() => show(index + 1, true), 250);
      });
    }
    const back = step.querySelector("[data-back]");
    if (back) back.addEventListener("click", () => show(index - 1, true));
  });

  form.addEventListener("submit", (event) => {
    const missing = steps.findIndex((step) => {
      const radios = step.querySelectorAll("input[type=radio]");
      return radios.length > 0 && !Array.from(radios).some((radio) => radio.checked);
    });
    if (missing >= 0) {
      event.preventDefault();
      steps[missing].classList.add("has-error");
      show(missing, true);
    }
  });

  show(current, false);
})();
