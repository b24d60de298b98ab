// Progressive enhancement for the buyer's pages: keep the order summary, the total and the Pay button's amount in step
// with the ticked bumps, and stop a second submit while the first is on its way (the server is idempotent either way).
(function () {
  document.querySelectorAll("form[data-once]").forEach(function (f) {
    f.addEventListener("submit", function () {
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });
  // The total is the checkout's; other forms called "checkout" (the manage page's card form) have none.
  var form = document.getElementById("checkout");
  var total = document.getElementById("total");
  if (!form || !total) return;
  var base = parseInt(total.getAttribute("data-base"), 10);
  var digits = parseInt(total.getAttribute("data-digits"), 10);
  var symbol = total.getAttribute("data-symbol");
  function format(minor) {
    var major = (minor / Math.pow(10, digits)).toFixed(digits);
    var parts = major.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return symbol + parts.join(".");
  }
  var pay = document.getElementById("pay");
  function update() {
    var sum = base;
    form.querySelectorAll("input[data-bump-price]").forEach(function (box) {
      if (box.checked) sum += parseInt(box.getAttribute("data-bump-price"), 10);
      var line = form.querySelector('tr[data-summary-bump="' + box.value + '"]');
      if (line) line.hidden = !box.checked;
    });
    total.textContent = format(sum);
    if (pay) pay.textContent = pay.getAttribute("data-label") + " " + format(sum);
  }
  form.addEventListener("change", update);
  update();
})();
