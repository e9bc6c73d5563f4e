// On a phone the menu starts folded behind its 菜单 button (on a desk it is always open).
if (window.matchMedia("(max-width: 720px)").matches) {
  document.querySelectorAll("details.menu").forEach(function (menu) { menu.removeAttribute("open"); });
}
