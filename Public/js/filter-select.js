// A search box with data-filter-for="SELECT-ID" narrows that select's options to those whose text
// contains what was typed (the pairing picker's ~250 cadres: by name or unit). When one option is
// left it is chosen.
document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
  var select = document.getElementById(box.getAttribute("data-filter-for"));
  if (!select) { return; }
  box.addEventListener("input", function () {
    var text = box.value.trim().toLowerCase(), shown = [];
    Array.prototype.forEach.call(select.options, function (option) {
      var match = option.value !== "" && option.text.toLowerCase().indexOf(text) >= 0;
      option.hidden = option.value !== "" && !match;
      if (match) { shown.push(option); }
    });
    if (shown.length === 1) { select.value = shown[0].value; }
  });
});
