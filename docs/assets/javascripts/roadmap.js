/* The roadmap page: a filter above the sections, for unread papers and by stars. Progressive: the
   page is whole without it; rows are only hidden, and a section with no row left says so. Each
   row's status is its last cell (未读 / 已读 / 在读 / 待读), its stars the aria-label "N 星". */
(function () {
  function setUp() {
    var sections = document.querySelectorAll("article details.roadmap-section");
    if (!sections.length || document.querySelector(".roadmap-filter")) return;
    var bar = document.createElement("form");
    bar.className = "roadmap-filter";
    bar.setAttribute("aria-label", "筛选路线图上的论文");
    bar.innerHTML =
      '<label><input type="checkbox" name="unread"> 只看未读</label> ' +
      '<label>推荐 <select name="stars">' +
      '<option value="0">全部</option><option value="3">★3 及以上</option>' +
      '<option value="4">★4 及以上</option><option value="5">★5</option></select></label> ' +
      '<output name="shown" aria-live="polite"></output>';
    sections[0].parentNode.insertBefore(bar, sections[0].previousElementSibling || sections[0]);
    function apply() {
      var unread = bar.elements.unread.checked, least = Number(bar.elements.stars.value), shown = 0;
      sections.forEach(function (section) {
        var visible = 0;
        section.querySelectorAll("tbody tr").forEach(function (row) {
          var cells = row.querySelectorAll("td");
          var status = cells[cells.length - 1].textContent.trim();
          var rating = row.querySelector("[aria-label$='（满分 5）']");
          var stars = rating ? parseInt(rating.getAttribute("aria-label"), 10) : 0;
          var keep = (!unread || status.indexOf("未读") === 0) && stars >= least;
          row.hidden = !keep;
          if (keep) visible += 1;
        });
        section.classList.toggle("roadmap-section--empty", visible === 0);
        shown += visible;
      });
      bar.elements.shown.value = "显示 " + shown + " 篇";
    }
    bar.addEventListener("change", apply);
    apply();
  }
  if (window.document$) window.document$.subscribe(setUp); else document.addEventListener("DOMContentLoaded", setUp);
})();
