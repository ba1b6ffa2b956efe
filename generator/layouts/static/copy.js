/* Subscribe page: a "Copy" button beside every feed address puts the address on the clipboard.
   Without JavaScript the buttons stay hidden and the addresses can be selected and copied by hand. */
(function () {
  "use strict";
  var status = document.getElementById("copy-status");

  function announce(text) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);  // a change screen readers notice
  }

  function selectAddress(button) {
    var code = button.parentNode.querySelector("code") || button.parentNode.querySelector("a");
    if (!code) return false;
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }

  function copied(button, address) {
    var label = button.querySelector(".copy-label");
    if (label) {
      label.textContent = "Copied";
      window.setTimeout(function () { label.textContent = "Copy"; }, 2000);
    }
    announce("Copied " + address);
  }

  function byHand(button) {
    // No clipboard access (an old browser, or a page opened from a file): select it for Ctrl+C / Cmd+C.
    if (selectAddress(button)) announce("The address is selected: press Control+C, or Command+C on a Mac, to copy it.");
  }

  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var address = button.getAttribute("data-copy");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(address).then(function () { copied(button, address); },
                                                    function () { byHand(button); });
      } else {
        byHand(button);
      }
    });
  });
})();
