// A form or the button that sends it may carry data-confirm: the page asks before anything is
// sent (a rejection, an accepted objection, a reversal, a cadre leaving, an archive, an
// assessment step, a member leaving …). Without script the form is sent as it is.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
