/* Search page: starts Pagefind's search box (files under /pagefind/, made at the end of the build) and runs the
   search named in the address (?q=...), which is where the search box in every page's header leads.
   A large site's index comes in shards (pagefind/shards.json); they are merged into one list of results. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  var notice = document.getElementById("search-needs-javascript");
  if (!box) return;
  if (typeof window.PagefindUI !== "function") {  // Pagefind's script did not load: the page cannot search
    if (notice) notice.classList.add("shown");
    return;
  }
  var bundle = box.getAttribute("data-bundle");
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var header = document.getElementById("site-search-q");
  if (header) header.value = query;
  // For browsers too old to hide it by the style sheet's (scripting: enabled): now, before the page has loaded, not
  // once the shard list arrives, when a visitor could have tabbed onto one of its links.
  if (notice) notice.hidden = true;

  function start(shards) {
    var ui = new window.PagefindUI({
      element: "#search",
      bundlePath: bundle,
      baseUrl: box.getAttribute("data-base"),
      mergeIndex: shards.map(function (shard) { return { bundlePath: bundle + shard }; }),
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      autofocus: false,  // the box appears after the index loads: focus moving then would jump under the keyboard
      processTerm: function (term) {
        // Keep the address in step with the box, so a search can be shared, bookmarked or reloaded.
        var url = new URL(window.location.href);
        if (term) url.searchParams.set("q", term); else url.searchParams.delete("q");
        window.history.replaceState(null, "", url);
        return term;
      }
    });
    if (query) ui.triggerSearch(query);
    offerElsewhere();
  }

  /* When a search finds nothing, offer the directory and the topics (and the practice's contact) beneath it. */
  function offerElsewhere() {
    var elsewhere = document.getElementById("search-elsewhere");
    if (!elsewhere || !window.MutationObserver) return;
    var check = function () {
      var message = box.querySelector(".pagefind-ui__message");
      var found = box.querySelectorAll(".pagefind-ui__result").length;
      elsewhere.hidden = !(message && /^No results/.test(message.textContent) && found === 0);
    };
    new MutationObserver(check).observe(box, {childList: true, subtree: true, characterData: true});
  }

  fetch(bundle + "shards.json")
    .then(function (response) { return response.ok ? response.json() : []; })
    .catch(function () { return []; })
    .then(start);
})();
