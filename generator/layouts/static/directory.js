/* The directory filter on /therapists/: the cards that match every choice stay, the others get `hidden`.
   The choice lives in the query string (?language=spanish&accepting=yes), so a filtered view can be shared and
   opening such an address applies it. Each option counts the therapists it would leave together with the other
   choices; when none is left, the notice offers to remove each choice. Without this script the form stays hidden
   (site.css) and the "Browse therapists by" links lead to the same choices as static pages.
   No framework, no request: everything is already on the page. */
(function () {
  "use strict";
  var form = document.getElementById("directory-filter");
  var list = document.getElementById("therapist-list");
  if (!form || !list || !window.URLSearchParams) return;
  var status = document.getElementById("filter-status");
  var noMatch = document.getElementById("no-match");
  var removals = document.getElementById("no-match-choices");
  var clear = document.getElementById("filter-clear");
  var toggle = document.getElementById("filter-toggle");
  var badge = document.getElementById("filter-count");
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

  function count(chosen) {
    return cards.filter(function (card) { return matches(card, chosen); }).length;
  }

  /* "Spanish (3)": how many therapists this option leaves with the other choices as they are; "(none)" for 0. */
  function label(name, n) { return name + " (" + (n ? n : "none") + ")"; }

  function recount(chosen) {
    controls.forEach(function (el) {
      var others = chosen.filter(function (pair) { return pair[0] !== el.name; });
      if (el.type === "checkbox") {
        var text = form.querySelector("label[for='" + el.id + "']");
        if (text) text.textContent = label(text.getAttribute("data-name"), count(others.concat([[el.name, el.value]])));
      } else if (el.options) {
        Array.prototype.forEach.call(el.options, function (option) {
          if (!option.value) return;
          option.textContent = label(option.getAttribute("data-name"), count(others.concat([[el.name, option.value]])));
        });
      }
    });
  }

  /* The name of a choice as people read it: "Language: Spanish". */
  function describe(el) {
    var field = form.querySelector("label[for='" + el.id + "']");
    if (el.type === "checkbox") return field.getAttribute("data-name");
    return field.textContent + ": " + el.options[el.selectedIndex].getAttribute("data-name");
  }

  function offerRemovals() {
    while (removals.firstChild) removals.removeChild(removals.firstChild);
    controls.forEach(function (el) {
      if (el.type === "checkbox" ? !el.checked : el.value === "") return;
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "remove-choice";
      var name = describe(el);
      button.textContent = "Remove " + name;
      button.addEventListener("click", function () {
        if (el.type === "checkbox") el.checked = false; else el.value = "";
        apply("Removed " + name + ".");
        status.focus();
      });
      item.appendChild(button);
      removals.appendChild(item);
    });
  }

  function apply(message) {
    var chosen = choices();
    var shown = 0;
    cards.forEach(function (card) {
      card.hidden = !matches(card, chosen);
      if (!card.hidden) shown += 1;
    });
    recount(chosen);
    noMatch.hidden = shown !== 0;
    if (shown === 0) offerRemovals();
    badge.hidden = chosen.length === 0;
    badge.textContent = chosen.length ? " (" + chosen.length + " active)" : "";
    var query = new URLSearchParams(chosen).toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    var said = chosen.length
      ? shown + (shown === 1 ? " therapist matches" : " therapists match")
      : "Showing all " + shown + " therapists";
    status.textContent = (message ? message + " " : "") + said + ".";
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
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    form.classList.toggle("open", open);
  });
  status.tabIndex = -1;
  load();
  apply("");
}());
