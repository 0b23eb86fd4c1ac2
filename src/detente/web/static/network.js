// The actor network page: fetch /api/network and lay it out with cytoscape.
// Every label goes through cytoscape's canvas text (never HTML), so actor names cannot inject markup.
"use strict";
(function () {
  const box = document.getElementById("network");
  const status = document.getElementById("network-status");
  if (!box) return;
  function colour(edge) {
    if (!edge.n_events) return "#b8c0c8";
    const mean = edge.goldstein_sum / edge.n_events;
    if (mean <= -1) return "#c92a2a";
    if (mean >= 1) return "#2b8a3e";
    return "#e67700";
  }
  fetch(box.dataset.src)
    .then((r) => r.json())
    .then((data) => {
      if (!data.nodes.length) {
        status.textContent = "No actors to show yet: ingest articles and run the actor stage.";
        return;
      }
      const elements = [];
      for (const n of data.nodes) {
        elements.push({ data: { id: n.code, label: n.code, size: 18 + 6 * Math.sqrt(n.n_articles || 0) } });
      }
      data.edges.forEach((e, i) => {
        elements.push({
          data: {
            id: "e" + i, source: e.a, target: e.b, colour: colour(e),
            width: 1 + Math.min(10, Math.sqrt(e.n_events * 3 + e.n_articles)),
          },
        });
      });
      const cy = cytoscape({
        container: box,
        elements: elements,
        layout: { name: "cose", animate: false, randomize: false },
        style: [
          { selector: "node", style: { label: "data(label)", width: "data(size)", height: "data(size)",
              "background-color": "#1f5fa8", color: "#1d232a", "font-size": 11, "text-valign": "bottom" } },
          { selector: "edge", style: { width: "data(width)", "line-color": "data(colour)", opacity: 0.75,
              "curve-style": "haystack" } },
        ],
      });
      cy.on("tap", "node", (evt) => {
        window.location.href = "/actors/" + encodeURIComponent(evt.target.id());
      });
      status.textContent = data.nodes.length + " actors, " + data.edges.length + " links.";
    })
    .catch((err) => { status.textContent = "Could not load the network: " + err; });
})();
