// The starter page: asks the server (Copier) about the answers as they change,
// shows Copier's messages next to the fields, hides questions whose `when:` is false.
"use strict";
(function () {
  const form = document.getElementById("starter");
  const status = document.getElementById("status");
  const curl = document.getElementById("curl");
  let timer = null;
  let latest = 0;

  function answers() {
    const params = new URLSearchParams();
    for (const field of form.elements) {
      if (!field.name || field.disabled) continue;
      if (field.value === "") continue; // empty: Copier's default
      params.append(field.name, field.value);
    }
    return params;
  }

  function show(verdict) {
    for (const box of form.querySelectorAll(".question")) {
      const name = box.dataset.question;
      const field = form.elements[name];
      const shown = verdict.applicable[name] !== false;
      box.classList.toggle("hidden", !shown);
      if (field) field.disabled = !shown;
      const message = (verdict.errors && verdict.errors[name]) || "";
      box.classList.toggle("invalid", message !== "");
      document.getElementById("error-" + name).textContent = message;
      if (field && field.dataset.computed === "true" && verdict.answers[name] !== undefined) {
        field.placeholder = String(verdict.answers[name]);
      }
    }
    // The same service for a script: only the answers that differ from the defaults.
    const changed = new URLSearchParams();
    for (const [name, value] of answers()) {
      if (form.elements[name].dataset.default !== value) changed.append(name, value);
    }
    const query = changed.toString();
    curl.textContent = "curl -fsSLo service.zip '" + location.origin + "/starter.zip" + (query ? "?" + query : "") + "'";
    if (verdict.ok) status.textContent = "";
  }

  async function check() {
    const ticket = ++latest;
    // Hidden questions are re-enabled for the check: their `when:` may turn true.
    for (const field of form.elements) if (field.name) field.disabled = false;
    const response = await fetch("/api/validate?" + answers().toString(), { headers: { Accept: "application/json" } });
    const verdict = await response.json();
    if (ticket === latest && verdict.applicable) show(verdict);
    return verdict;
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const button = document.getElementById("generate");
    const verdict = await check();
    if (!verdict.ok) {
      status.textContent = "Fix the answers marked in red: nothing was rendered.";
      return;
    }
    button.disabled = true;
    status.textContent = "Rendering…";
    // A plain navigation: the browser saves the zip (or shows the page with Copier's messages).
    window.location.assign("/generate?" + answers().toString());
    setTimeout(function () { button.disabled = false; status.textContent = "Your download starts when the render is done."; }, 3000);
  });

  check();
})();
