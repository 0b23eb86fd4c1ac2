"""Charts of relations over time (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

from .relations import Series


def plot_series(series: Series, out: Path) -> None:
    """Cooperation and conflict counts (bars) and the Goldstein sum (line) per period, with
    change points marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    periods = [p.period for p in series.points]
    x = list(range(len(periods)))
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=100)
    ax.bar(x, [p.cooperation for p in series.points], color="#4c9a2a", label="cooperation")
    ax.bar(x, [-p.conflict for p in series.points], color="#c0392b", label="conflict")
    ax.set_ylabel("events (independent)")
    twin = ax.twinx()
    twin.plot(
        x,
        [p.goldstein_sum for p in series.points],
        color="#2c3e50",
        marker="o",
        label="Goldstein sum",
    )
    twin.set_ylabel("Goldstein sum")
    for cp in series.change_points:
        if cp in periods:
            ax.axvline(periods.index(cp) - 0.5, color="#8e44ad", linestyle="--", linewidth=1)
    step = max(1, len(periods) // 12)
    ax.set_xticks(x[::step], periods[::step], rotation=45, ha="right")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_title(f"{series.source} - {series.target} ({series.direction}, per {series.grain})")
    handles = ax.get_legend_handles_labels()
    twin_handles = twin.get_legend_handles_labels()
    ax.legend(handles[0] + twin_handles[0], handles[1] + twin_handles[1], loc="upper left")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
