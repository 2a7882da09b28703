// Progressive enhancement for the questionnaire: everything works without it.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // The week: show a running total of the percentages.
  var form = document.querySelector('form[data-section="week"]');
  if (form) {
    var inputs = form.querySelectorAll("input.allocation-input");
    var total = form.querySelector("[data-allocation-total]");
    var sum = form.querySelector("[data-allocation-sum]");
    var update = function () {
      var value = 0;
      inputs.forEach(function (input) { value += parseInt(input.value, 10) || 0; });
      sum.textContent = value;
      total.classList.toggle("text-success-emphasis", value === 100);
      total.classList.toggle("text-danger-emphasis", value !== 100);
      total.hidden = false;
    };
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }

  // A second click on Submit while the first is on its way sends nothing more.
  document.querySelectorAll("form.assessment-form").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (f.dataset.submitting === "1") { event.preventDefault(); return; }
      var button = event.submitter;
      if (button && button.hasAttribute("data-submit-once")) {
        f.dataset.submitting = "1";
        // Keep the clicked button's name/value in the post, then disable it.
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
        f.appendChild(hidden);
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });

  // Save the page's answers as they are typed, so a closed tab or a lost connection loses
  // nothing; moving on still saves them too, and without this script everything still works.
  document.querySelectorAll("form.assessment-form").forEach(function (f) {
    var status = f.querySelector("[data-autosave-status]");
    var timer = null;
    var save = function () {
      var data = new FormData(f);
      data.set("action", "autosave");
      f.dataset.saving = "1";  // while a save is on its way (the browser tests wait for it)
      fetch(window.location.href, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          if (status) { status.textContent = response.status === 204 ? "Your answers are saved." : ""; }
        })
        .catch(function () { if (status) { status.textContent = ""; } })
        .finally(function () { delete f.dataset.saving; });
    };
    var later = function () { window.clearTimeout(timer); timer = window.setTimeout(save, 800); };
    f.addEventListener("change", later);
    f.addEventListener("input", later);
    // Moving on saves the page anyway: a save still waiting to start would only repeat it.
    f.addEventListener("submit", function () { window.clearTimeout(timer); });
  });

  // Print buttons on the result page.
  // A printed result shows every section, folded or not.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.result-details, details.result-details details").forEach(function (details) {
      details.open = true;
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
