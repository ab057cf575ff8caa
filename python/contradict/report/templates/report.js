(function () {
  "use strict";
  var list = document.getElementById("findings-list");
  var form = document.getElementById("controls");
  if (!list || !form) { return; }
  var speaker = document.getElementById("f-speaker");
  var minScore = document.getElementById("f-score");
  var shown = document.getElementById("f-score-value");
  var sort = document.getElementById("f-sort");
  var count = document.getElementById("f-count");
  var items = Array.prototype.slice.call(list.querySelectorAll("article.finding"));
  var lines = Array.prototype.slice.call(document.querySelectorAll("figure.speaker-timeline"));
  var keys = {
    score: function (a, b) { return b.dataset.score - a.dataset.score || a.dataset.rank - b.dataset.rank; },
    recent: function (a, b) { return b.dataset.day - a.dataset.day || a.dataset.rank - b.dataset.rank; },
    gap: function (a, b) { return b.dataset.gap - a.dataset.gap || a.dataset.rank - b.dataset.rank; },
    speaker: function (a, b) { return a.dataset.speaker.localeCompare(b.dataset.speaker) || a.dataset.rank - b.dataset.rank; }
  };
  function update() {
    var who = speaker.value, floor = parseFloat(minScore.value), visible = 0;
    shown.textContent = floor.toFixed(2);
    items.sort(keys[sort.value] || keys.score).forEach(function (el) {
      var keep = (!who || el.dataset.speaker === who) && parseFloat(el.dataset.score) >= floor;
      el.hidden = !keep;
      if (keep) { visible += 1; }
      list.appendChild(el);
    });
    lines.forEach(function (el) { el.hidden = !!who && el.dataset.speaker !== who; });
    count.textContent = "Showing " + visible + " of " + items.length + " findings";
  }
  form.addEventListener("input", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  update();
})();
