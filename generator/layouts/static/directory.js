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
  var show = document.getElementById("filter-show");
  var badge = document.getElementById("filter-count");
  var cards = Array.prototype.slice.call(list.querySelectorAll("[data-slug]"));
  var near = document.getElementById("filter-near");  // absent when no office has a place
  var controls = Array.prototype.filter.call(form.elements, function (el) { return el.name && el !== near; });
  var place = null;  // the visitor's ZIP code and its place: {zip, lat, lon, state}
  var tables = {};  // first two digits -> the promise of that ZIP code table
  var NEARBY = 50;  // miles: offices closer than this come first; then telehealth in the visitor's state

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

  /* The place of a five-digit ZIP code from /assets/zips/<first two digits>.json, fetched once; null if unknown. */
  function lookup(zip) {
    var prefix = zip.slice(0, 2);
    if (!tables[prefix]) {
      tables[prefix] = fetch(form.getAttribute("data-zips") + prefix + ".json")
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    }
    return tables[prefix].then(function (table) {
      var found = table && table.zips[zip.slice(2)];
      return found ? {zip: zip, lat: found[0], lon: found[1], state: found[2] || table.state} : null;
    });
  }

  /* Miles along the earth's surface between two [lat, lon] points (haversine). */
  function miles(a, b) {
    var rad = Math.PI / 180, dLat = (b[0] - a[0]) * rad, dLon = (b[1] - a[1]) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 3958.8 * Math.asin(Math.sqrt(h));
  }

  /* Offices within NEARBY miles first, nearest first; then those who see the visitor's state online; then the
     rest by distance. Without a place: the directory's own order. Each card says how far, or that it is online. */
  function sort() {
    var ranked = cards.map(function (card, index) {
      var distance = Infinity, online = false;
      if (place) {
        (card.getAttribute("data-offices") || "").split(" ").forEach(function (office) {
          if (office) distance = Math.min(distance, miles([place.lat, place.lon], office.split(",").map(Number)));
        });
        online = (card.getAttribute("data-online") || "").split(" ").indexOf(place.state) !== -1;
      }
      var group = !place ? 0 : distance <= NEARBY ? 0 : online ? 1 : 2;
      return {card: card, index: index, distance: distance, online: online, group: group};
    });
    if (place) {
      ranked.sort(function (a, b) {
        return a.group - b.group || (a.distance === b.distance ? 0 : a.distance < b.distance ? -1 : 1) || a.index - b.index;
      });
    }
    ranked.forEach(function (r) {
      list.appendChild(r.card);
      var line = r.card.querySelector(".distance");
      if (!place) { if (line) line.parentNode.removeChild(line); return; }
      if (!line) {
        line = document.createElement("p");
        line.className = "distance";
        var head = r.card.querySelector(".card-head");
        r.card.insertBefore(line, head ? head.nextSibling : r.card.firstChild);
      }
      var said = [];
      if (r.distance < Infinity) {
        var n = Math.round(r.distance);
        said.push(r.distance < 1 ? "Less than a mile away" : n.toLocaleString("en-US") + (n === 1 ? " mile away" : " miles away"));
      }
      if (r.online) said.push((said.length ? "online" : "Online") + " in " + place.state);
      line.textContent = said.join(" · ") || "No office near you";
    });
  }

  /* Find the place of the ZIP code in the box, then sort and filter; an unknown one is said, and changes nothing. */
  function locate(message) {
    var zip = near ? near.value.replace(/\D/g, "") : "";
    if (near && zip !== near.value) near.value = zip;
    if (zip.length !== 5) {
      place = null;
      list.classList.remove("sorting");
      apply(message || (zip ? "A ZIP code has five digits." : ""));
      return;
    }
    if (place && place.zip === zip) { apply(message); return; }
    lookup(zip).then(function (found) {
      place = found;
      list.classList.remove("sorting");
      apply(found ? message : "We could not find the ZIP code " + zip + ", so the order is unchanged.");
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
    sort();
    var query = new URLSearchParams(place ? chosen.concat([["near", place.zip]]) : chosen).toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    var said = chosen.length
      ? shown + (shown === 1 ? " therapist matches" : " therapists match")
      : "Showing all " + shown + " therapists";
    if (show) show.textContent = shown ? "Show " + shown + (shown === 1 ? " therapist" : " therapists")
      : "Show why nobody matches";
    if (place && shown) said += ", nearest to " + place.zip + " first";
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

  form.addEventListener("change", function (event) { if (event.target === near) locate(""); else apply(""); });
  form.addEventListener("submit", function (event) { event.preventDefault(); locate(""); });
  if (near) {
    near.addEventListener("input", function () { if (near.value.replace(/\D/g, "").length === 5) locate(""); });
  }
  clear.addEventListener("click", function () {
    controls.forEach(function (el) {
      if (el.type === "checkbox") el.checked = false; else el.value = "";
    });
    apply("Filters cleared.");
  });
  function fold(open) {
    toggle.setAttribute("aria-expanded", String(open));
    form.classList.toggle("open", open);
  }
  toggle.addEventListener("click", function () { fold(toggle.getAttribute("aria-expanded") !== "true"); });
  if (show) {
    show.addEventListener("click", function () {  // fold the choices away and go to what they found
      fold(false);
      status.focus();
      status.scrollIntoView({block: "start"});
    });
  }
  status.tabIndex = -1;
  load();
  var asked = new URLSearchParams(location.search).get("near");
  if (near && asked) {
    near.value = asked;
    list.classList.add("sorting");  // unseen until sorted, so no card jumps once the table arrives
    locate("");
  } else {
    apply("");
  }
}());
