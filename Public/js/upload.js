// Shows upload progress for the import form on slow links, then shows the server's answer.
// Without JavaScript the form posts normally.
(function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    bar.hidden = false; status.hidden = false;
    document.getElementById("import-submit").disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total); };
    xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
    xhr.onerror = function () { document.getElementById("import-submit").disabled = false; status.textContent = "✘"; };
    xhr.send(new FormData(form));
  });
})();
