// The dyad dashboard: relation chart over time (Chart.js), change points, and the evidence
// list behind any clicked period. All data arrives as JSON and is put into the page with
// textContent / setAttribute only: article text never becomes markup.
"use strict";
(function () {
  const canvas = document.getElementById("dyad-chart");
  if (!canvas) return;
  const QUADS = [
    ["1", "verbal cooperation", "#69db7c"],
    ["2", "material cooperation", "#2b8a3e"],
    ["3", "verbal conflict", "#ffa94d"],
    ["4", "material conflict", "#c92a2a"],
  ];
  const summary = document.getElementById("dyad-summary");
  const list = document.getElementById("evidence");
  const hint = document.getElementById("evidence-hint");
  const title = document.getElementById("evidence-title");

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };

  function evidenceHref(item) {
    return "/articles/" + Number(item.article_id) + "?start=" + Number(item.sentence_start) +
      "&end=" + Number(item.sentence_end) + "#s" + Number(item.sentence);
  }

  function showEvidence(period) {
    title.textContent = "Evidence for " + period;
    hint.textContent = "Loading…";
    list.replaceChildren();
    const url = canvas.dataset.evidence + "&period=" + encodeURIComponent(period);
    fetch(url)
      .then((r) => r.json())
      .then((data) => {
        hint.textContent = data.n_events + " event(s) from " + data.n_sources + " independent source(s).";
        for (const item of data.items) {
          const li = el("li");
          const head = el("div");
          head.append(el("span", item.day || period, "muted"), " ");
          head.append(el("b", item.event_source), " ");
          head.append(el("span", item.code + " " + (QUAD_NAMES[item.quad_class] || ""), "quad-" + Number(item.quad_class)), " ");
          head.append(el("b", item.event_target || "-"), " ");
          head.append(el("span", "Goldstein " + item.goldstein, "muted"));
          const link = el("a", item.title || "article " + item.article_id, "evidence-link");
          link.setAttribute("href", evidenceHref(item));
          const quote = el("div", item.sentence_text || "", "snippet");
          li.append(head, quote, link);
          if (item.outlet) li.append(" ", el("span", item.outlet, "muted"));
          list.append(li);
        }
        list.dataset.period = period;
      })
      .catch((err) => { hint.textContent = "Could not load the evidence: " + err; });
  }

  // The period table links work without script (the server renders the evidence); with
  // script they load it in place, like a click on the chart.
  for (const link of document.querySelectorAll("a.period-link")) {
    link.addEventListener("click", (evt) => {
      evt.preventDefault();
      showEvidence(link.dataset.period);
      title.scrollIntoView();
    });
  }

  fetch(canvas.dataset.series)
    .then((r) => r.json())
    .then((data) => {
      const labels = data.points.map((p) => p.period);
      if (!labels.length) {
        summary.textContent = "No coded events between these actors.";
        return;
      }
      const changes = new Set(data.change_points || []);
      const datasets = QUADS.map(([q, name, colour]) => ({
        type: "bar", label: name, data: data.points.map((p) => (p.quad_counts || {})[q] || 0),
        backgroundColor: colour, stack: "events", yAxisID: "y",
      }));
      datasets.push({
        type: "line", label: "Goldstein sum", data: data.points.map((p) => p.goldstein_sum),
        borderColor: "#1f5fa8", backgroundColor: "#1f5fa8", yAxisID: "g", tension: 0.2,
        pointRadius: labels.map((l) => (changes.has(l) ? 7 : 3)),
        pointBackgroundColor: labels.map((l) => (changes.has(l) ? "#e03131" : "#1f5fa8")),
      });
      const chart = new Chart(canvas, {
        data: { labels: labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { stacked: true },
            y: { stacked: true, beginAtZero: true, title: { display: true, text: "events" } },
            g: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "Goldstein sum" } },
          },
          onClick: (evt) => {
            const hits = chart.getElementsAtEventForMode(evt, "index", { intersect: false }, true);
            if (hits.length) showEvidence(labels[hits[0].index]);
          },
        },
      });
      canvas.dataset.ready = "1";
    })
    .catch((err) => { summary.textContent = "Could not load the series: " + err; });
})();
