// Shows how far a long action is on the page that started it: the upload's bytes (the import
// form), then the server's own count of rows or households, read from /progress/ID once a
// second (the action names the random ID in its `progress` parameter). Without JavaScript the
// forms post normally; only the display is lost.
(function () {
  if (!window.fetch || !window.crypto || !document.querySelectorAll) return;

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The action with the id: a hidden field for a GET form (its query is the form's fields),
  // the action's query for a POST form.
  function actionWithId(form, id) {
    if ((form.getAttribute("method") || "get").toLowerCase() === "get") {
      var input = form.querySelector("input[name=progress]") || document.createElement("input");
      input.type = "hidden"; input.name = "progress"; input.value = id;
      form.appendChild(input);
      return form.getAttribute("action");
    }
    var url = (form.getAttribute("action") || "").replace(/([?&])progress=[^&]*&?/, "$1").replace(/[?&]$/, "");
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "progress=" + id;
  }

  function say(status, key, done, total) {
    var text = status.getAttribute("data-" + key) || "";
    if (done !== undefined) text = text.replace("%@", done).replace("%@", total);
    status.textContent = text;
  }

  function follow(id, bar, status) {
    var misses = 0;
    var timer = setInterval(function () {
      fetch("/progress/" + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          // Not started yet (the upload is still arriving); give up after ten minutes of nothing.
          if (!p) { if (++misses > 600) clearInterval(timer); return; }
          misses = 0;
          if (p.total > 0) { bar.max = p.total; bar.value = p.done; say(status, "working", p.done, p.total); }
          if (p.finished) { clearInterval(timer); bar.max = 1; bar.value = 1; say(status, "done"); }
        })
        .catch(function () {});
    }, 1000);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-progress]"), function (form) {
    form.addEventListener("submit", function (event) {
      var box = form.querySelector(".progress");
      if (!box) return;
      var bar = box.querySelector("progress"), status = box.querySelector(".progress-status");
      var button = form.querySelector("[type=submit]");
      var id = newId(), action = actionWithId(form, id);
      box.hidden = false;
      if (form.hasAttribute("data-upload") && window.XMLHttpRequest && window.FormData) {
        // The upload's own progress first, then the server's.
        event.preventDefault();
        if (button) button.disabled = true;
        say(status, "uploading");
        var xhr = new XMLHttpRequest();
        xhr.open("POST", action);
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
        xhr.upload.onload = function () { bar.removeAttribute("value"); say(status, "waiting"); follow(id, bar, status); };
        xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
        xhr.onerror = function () { if (button) button.disabled = false; say(status, "failed"); };
        xhr.send(new FormData(form));
        return;
      }
      if (form.method.toLowerCase() === "post") form.setAttribute("action", action);
      bar.removeAttribute("value");
      say(status, "waiting");
      follow(id, bar, status);
    });
  });
})();
