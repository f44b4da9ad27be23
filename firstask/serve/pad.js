// The window's rating pad (评价器): asks /pad/state a few times a second; shows who serves (idle), the service to
// rate with five levels, the reasons after a bad level, then thanks. Text is set with textContent only.
"use strict";
(function () {
  const S = JSON.parse(document.getElementById("strings").textContent);
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 400;
  const THANKS_MS = 4000;
  let shown = null; // the request on screen
  let level = null; // a bad level waiting for its reasons
  let chosen = new Set();
  let thanksUntil = 0;
  let sending = false;

  function view(name) {
    for (const id of ["idle", "asking", "reasons", "thanks"]) $(id).classList.toggle("hidden", id !== name);
  }

  function line(label, value) {
    const row = document.createElement("div");
    const b = document.createElement("b");
    b.textContent = label;
    row.appendChild(b);
    row.appendChild(document.createTextNode(value));
    return row;
  }

  function idle(state) {
    const who = state.serving;
    $("serving-label").textContent = who ? S.serving : "";
    $("serving-name").textContent = who ? who.name : S.not_serving;
    $("serving-code").textContent = who ? who.code : "";
    $("welcome").textContent = who ? S.welcome : "";
    view("idle");
  }

  function ask(request) {
    const about = $("about");
    about.replaceChildren(
      line(S.case, request.case_no),
      line(S.matter, request.matter || S.kinds[request.kind] || ""),
      line(S.service, S.actions[request.service] || ""),
      line(S.clerk, request.clerk ? S.badge.replace("{name}", request.clerk.name).replace("{code}", request.clerk.code) : "-"),
    );
    $("prompt").textContent = S.prompt;
    const levels = $("levels");
    levels.replaceChildren();
    for (const n of ["5", "4", "3", "2", "1"]) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.level = n;
      button.textContent = S.levels[n];
      button.style.background = S.colours[n];
      button.addEventListener("click", () => tap(Number(n)));
      levels.appendChild(button);
    }
    view("asking");
  }

  function reasons(request) {
    $("why").textContent = S.why;
    const list = $("reason-list");
    list.replaceChildren();
    for (const reason of request.reasons) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.textContent = reason;
      chip.setAttribute("aria-pressed", chosen.has(reason) ? "true" : "false");
      chip.addEventListener("click", () => {
        if (chosen.has(reason)) chosen.delete(reason);
        else chosen.add(reason);
        chip.setAttribute("aria-pressed", chosen.has(reason) ? "true" : "false");
        $("error").textContent = "";
      });
      list.appendChild(chip);
    }
    $("comment").placeholder = S.comment;
    $("back").textContent = S.back;
    $("submit").textContent = S.submit;
    $("error").textContent = "";
    view("reasons");
  }

  function thanks() {
    $("thanks-big").textContent = S.thanks;
    $("thanks-small").textContent = S.thanks_more;
    thanksUntil = Date.now() + THANKS_MS;
    shown = null;
    level = null;
    chosen = new Set();
    $("comment").value = "";
    view("thanks");
  }

  async function send(request, n, why, comment) {
    if (sending) return;
    sending = true;
    try {
      const response = await fetch("/pad/rate", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ request: request.id, level: n, reasons: why, comment: comment }),
      });
      const answer = await response.json();
      if (answer.ok) {
        thanks();
      } else if (n <= 2 && level !== null) {
        $("error").textContent = answer.message || S.failed;
      } else {
        shown = null; // the request is gone (expired, answered): the next poll shows what stands
      }
    } catch (e) {
      $("error").textContent = S.failed;
    } finally {
      sending = false;
    }
  }

  function tap(n) {
    if (!shown) return;
    if (n <= 2) {
      level = n;
      chosen = new Set();
      reasons(shown);
    } else {
      send(shown, n, [], "");
    }
  }

  $("back").addEventListener("click", () => {
    level = null;
    if (shown) ask(shown);
  });
  $("submit").addEventListener("click", () => {
    if (!shown || level === null) return;
    const comment = $("comment").value.trim();
    if (chosen.size === 0 && comment === "") {
      $("error").textContent = S.why_needed;
      return;
    }
    send(shown, level, Array.from(chosen), comment);
  });

  async function poll() {
    try {
      const response = await fetch("/pad/state", { credentials: "same-origin", cache: "no-store" });
      if (response.status === 403) {
        window.location.href = "/pad";
        return;
      }
      const state = await response.json();
      const number = S.window.replace("{number}", state.window);
      $("window").textContent = state.name && state.name !== number ? number + " · " + state.name : number;
      if (Date.now() < thanksUntil) return;
      const request = state.request;
      if (!request) {
        shown = null;
        level = null;
        idle(state);
      } else if (!shown || shown.id !== request.id) {
        shown = request;
        level = null;
        chosen = new Set();
        ask(request);
      }
    } catch (e) {
      // the host restarting, the Wi-Fi dropping: the next poll tries again
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }
  poll();
})();
