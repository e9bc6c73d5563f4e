// Inbox: a header checkbox ticks every case of its group (batch work).
document.querySelectorAll("input.select-all").forEach(function (box) {
  box.addEventListener("change", function () {
    box.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (c) { c.checked = box.checked; });
  });
});
