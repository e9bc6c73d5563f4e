// A form with data-confirm asks before it is sent (a member leaves, a new head, a rejection …).
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
});
