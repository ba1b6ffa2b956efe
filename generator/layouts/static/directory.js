/* The directory filter on /therapists/: the cards that match every choice stay, the others get `hidden`.
   The choice lives in the query string (?language=spanish&accepting=yes), so a filtered view can be shared and
   opening such an address applies it. Without this script the form stays hidden and the "Browse therapists by"
   links lead to the same choices as static pages. No framework, no request: everything is already on the page. */
(function () {
  "use strict";
  var form = document.getElementById("directory-filter");
  var list = document.getElementById("therapist-list");
  if (!form || !list || !window.URLSearchParams) return;
  var status = document.getElementById("filter-status");
  var noMatch = document.getElementById("no-match");
  var clear = document.getElementById("filter-clear");
  var cards = Array.prototype.slice.call(list.querySelectorAll("[data-slug]"));
  var controls = Array.prototype.filter.call(form.elements, function (el) { return el.name; });

  /* [[facet, value slug], ...] in the form's order, which is also the order in the query string. */
  function choices() {
    return controls.filter(function (el) {
      return el.type === "checkbox" ? el.checked : el.value !== "";
    }).map(function (el) { return [el.name, el.value]; });
  }

  function matches(card, chosen) {
    return chosen.every(function (pair) {
      return (card.getAttribute("data-" + pair[0]) || "").split(" ").indexOf(pair[1]) !== -1;
    });
  }

  function apply(message) {
    var chosen = choices();
    var shown = 0;
    cards.forEach(function (card) {
      card.hidden = !matches(card, chosen);
      if (!card.hidden) shown += 1;
    });
    noMatch.hidden = shown !== 0;
    var query = new URLSearchParams(chosen).toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    var count = chosen.length
      ? shown + (shown === 1 ? " therapist matches" : " therapists match")
      : "Showing all " + shown + " therapists";
    status.textContent = (message ? message + " " : "") + count + ".";
  }

  /* Set the form from the address; a value the form does not offer (an old link) is left out. */
  function load() {
    var params = new URLSearchParams(location.search);
    controls.forEach(function (el) {
      var value = params.get(el.name);
      if (el.type === "checkbox") {
        el.checked = value === el.value;
      } else {
        var offered = Array.prototype.some.call(el.options, function (option) { return option.value === value; });
        el.value = offered ? value : "";
      }
    });
  }

  form.addEventListener("change", function () { apply(""); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(""); });
  clear.addEventListener("click", function () {
    controls.forEach(function (el) {
      if (el.type === "checkbox") el.checked = false; else el.value = "";
    });
    apply("Filters cleared.");
  });
  form.hidden = false;
  load();
  apply("");
}());
