// Nothing typed is lost when a session has ended: each form sent keeps a copy of its fields in
// this tab (sessionStorage, never passwords or files). When the server answers "sign in first",
// the login page (data-resume) marks the copy to be restored; back on the form's page after
// signing in, the fields are filled again and a note asks the user to check and send. Any other
// page load forgets the copy.
(function () {
  "use strict";
  var KEY = "tuopin-draft", FLAG = "tuopin-draft-restore";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }

  function kept(field) {
    return field.name && field.name !== "_csrf" && field.type !== "password" && field.type !== "file" &&
      field.type !== "submit" && field.type !== "button" && field.type !== "hidden";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.method || "").toLowerCase() !== "post") { return; }
    var login = form.getAttribute("action") === "/login";
    if (login) {
      if (form.dataset.resume === "1") { store.setItem(FLAG, "1"); }
      return;
    }
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) { return; }
      if (field.type === "checkbox" || field.type === "radio") {
        fields.push([field.name, field.value, field.checked]);
      } else {
        fields.push([field.name, field.value, null]);
      }
    });
    store.setItem(KEY, JSON.stringify({ path: location.pathname + location.search,
      action: form.getAttribute("action") || "", fields: fields }));
  }, true);

  var onLogin = location.pathname === "/login" || location.pathname === "/login/second-factor";
  if (onLogin) { return; }
  // A form the server refused comes back on this page: what was typed is put back, whatever the
  // page's address. After a sign-in, only on the page the form was sent from.
  var refusedField = document.body.getAttribute("data-refused-field");
  var restore = store.getItem(FLAG) === "1", text = store.getItem(KEY);
  store.removeItem(FLAG);
  store.removeItem(KEY);
  if ((!restore && refusedField === null) || !text) { return; }
  var draft;
  try { draft = JSON.parse(text); } catch (e) { return; }
  if (!draft || (refusedField === null && draft.path !== location.pathname + location.search)) { return; }
  var form = Array.prototype.find.call(document.forms, function (f) {
    return (f.getAttribute("action") || "") === draft.action;
  });
  if (!form) { return; }
  var used = {};
  draft.fields.forEach(function (entry) {
    var name = entry[0], value = entry[1], checked = entry[2];
    var matches = Array.prototype.filter.call(form.elements, function (f) { return f.name === name && kept(f); });
    if (checked !== null) {
      matches.forEach(function (f) { if (f.value === value) { f.checked = checked; } });
      return;
    }
    // Several fields of one name (a plan's rows): filled in order.
    var index = used[name] || 0;
    used[name] = index + 1;
    if (matches[index]) { matches[index].value = value; }
  });
  var details = form.closest("details");
  if (details) { details.open = true; }
  if (refusedField === null) {
    var note = document.getElementById("draft-restored");
    if (note) { note.hidden = false; }
    form.scrollIntoView({ block: "center" });
    return;
  }
  // The refusal beside the field it names, with the field's own label.
  var base = refusedField.split(/[\[.]/)[0];
  var field = Array.prototype.find.call(form.elements, function (f) {
    return f.name === refusedField || f.name === base || f.name === base + "[]";
  });
  var alert = document.querySelector("p.error[role=alert]");
  if (!field || !alert) { return; }
  var label = (field.id && form.querySelector("label[for='" + field.id + "']")) || field.closest("label");
  var words = label ? label.textContent.replace(field.textContent || "", "").trim() : "";
  var message = document.createElement("span");
  message.className = "field-error";
  message.id = "field-error";
  var colon = (document.documentElement.lang || "").indexOf("zh") === 0 ? "：" : ": ";
  message.textContent = (words && alert.textContent.indexOf(words) < 0 ? words + colon : "") + alert.textContent;
  field.insertAdjacentElement("afterend", message);
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", "field-error");
  field.focus();
})();
