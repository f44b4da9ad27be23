// The window's rating pad (评价器): asks /pad/state a few times a second; shows who serves (idle), the service to
// rate with five levels, the reasons after a bad level, then thanks. Text is set with textContent only; written for
// the stock browsers of older tablets too (no replaceChildren, no optional chaining).
"use strict";
(function () {
  var S = JSON.parse(document.getElementById("strings").textContent);
  var POLL_MS = 400;
  var THANKS_MS = 4000;
  var shown = null; // the request on screen
  var level = null; // a bad level waiting for its reasons
  var chosen = {};
  var thanksUntil = 0;
  var sending = false;

  function $(id) {
    return document.getElementById(id);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return params[name] === undefined ? all : String(params[name]);
    });
  }

  function view(name) {
    ["idle", "asking", "reasons", "thanks"].forEach(function (id) {
      $(id).classList.toggle("hidden", id !== name);
    });
  }

  function line(label, value) {
    var row = document.createElement("div");
    var b = document.createElement("b");
    b.textContent = label;
    row.appendChild(b);
    row.appendChild(document.createTextNode(value));
    return row;
  }

  function chosenReasons() {
    return Object.keys(chosen).filter(function (r) {
      return chosen[r];
    });
  }

  function idle(state) {
    var who = state.serving;
    $("card").classList.toggle("closed", !who);
    $("serving-label").textContent = who ? S.serving : "";
    $("serving-name").textContent = who ? who.name : S.not_serving;
    $("serving-code").textContent = who ? fill(S.staff_code, { code: who.code }) : "";
    $("welcome").textContent = who ? S.welcome : S.closed;
    view("idle");
  }

  function ask(request) {
    var about = $("about");
    clear(about);
    about.appendChild(line(S.case, request.case_no));
    about.appendChild(line(S.matter, request.matter || S.kinds[request.kind] || ""));
    about.appendChild(line(S.service, S.actions[request.service] || ""));
    about.appendChild(line(S.clerk, request.clerk ? fill(S.badge, request.clerk) : "-"));
    $("prompt").textContent = S.prompt;
    $("ask-error").textContent = "";
    var levels = $("levels");
    clear(levels);
    ["5", "4", "3", "2", "1"].forEach(function (n) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "level-" + n;
      button.setAttribute("data-level", n);
      button.textContent = S.levels[n];
      button.addEventListener("click", function () {
        tap(Number(n));
      });
      levels.appendChild(button);
    });
    view("asking");
  }

  function reasons(request) {
    var chosenLevel = $("chosen-level");
    chosenLevel.className = "chosen level-" + level; // the level tapped, in its colour, above its reasons
    chosenLevel.textContent = S.levels[String(level)];
    $("why").textContent = S.why;
    var list = $("reason-list");
    clear(list);
    request.reasons.forEach(function (reason) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.textContent = reason;
      chip.setAttribute("aria-pressed", chosen[reason] ? "true" : "false");
      chip.addEventListener("click", function () {
        chosen[reason] = !chosen[reason];
        chip.setAttribute("aria-pressed", chosen[reason] ? "true" : "false");
        $("error").textContent = "";
      });
      list.appendChild(chip);
    });
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
    chosen = {};
    $("comment").value = "";
    view("thanks");
  }

  function refused(message) {
    // Where the visitor is looking: the reasons' screen after a bad level, else under the five levels.
    $(level !== null ? "error" : "ask-error").textContent = message || S.failed;
  }

  function send(request, n, why, comment) {
    if (sending) return;
    sending = true;
    var done = function () {
      sending = false;
    };
    fetch("/pad/rate?lang=" + encodeURIComponent(S.lang), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ request: request.id, level: n, reasons: why, comment: comment }),
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        done();
        if (answer.ok) thanks();
        else refused(answer.message);
      })
      .catch(function () {
        done();
        refused(S.failed);
      });
  }

  function tap(n) {
    if (!shown) return;
    if (n <= 2) {
      level = n;
      chosen = {};
      reasons(shown);
    } else {
      level = null;
      send(shown, n, [], "");
    }
  }

  $("back").addEventListener("click", function () {
    level = null;
    if (shown) ask(shown);
  });
  $("submit").addEventListener("click", function () {
    if (!shown || level === null) return;
    var comment = $("comment").value.trim();
    var why = chosenReasons();
    if (why.length === 0 && comment === "") {
      $("error").textContent = S.why_needed; // RATE-3, before anything is sent (the server says the same)
      return;
    }
    send(shown, level, why, comment);
  });

  function show(state) {
    var number = fill(S.window, { number: state.window });
    $("window").textContent = state.name && state.name !== number ? number + " · " + state.name : number;
    if (Date.now() < thanksUntil) return;
    var request = state.request;
    if (!request) {
      // No request, or it expired or was answered elsewhere: idle (the reasons half chosen are dropped).
      shown = null;
      level = null;
      idle(state);
    } else if (!shown || shown.id !== request.id) {
      shown = request; // a new service at this window replaces one still waiting
      level = null;
      chosen = {};
      ask(request);
    }
  }

  function poll() {
    fetch("/pad/state", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 403) {
          window.location.href = "/pad" + window.location.search; // no longer this window's pad: say so
          return null;
        }
        return response.json();
      })
      .then(function (state) {
        if (state) show(state);
        setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        setTimeout(poll, POLL_MS); // the host restarting, the Wi-Fi dropping: the next poll tries again
      });
  }
  poll();
})();
