"""The scale-out curve as a PNG: measured scans/s against the linear ideal from one consumer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(result: dict[str, Any], stem: Path) -> list[Path]:
    """…/<timestamp>-scale-out.png when the run measured the curve; nothing otherwise."""
    scale_out = result.get("scale_out")
    if not scale_out:
        return []
    points = scale_out["points"]
    counts = [p["consumers"] for p in points]
    measured = [p["scans_per_s"] for p in points]
    ideal = [measured[0] * n / counts[0] for n in counts]
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(counts, ideal, "--", color="#999999", label="linear from one consumer")
    axes.plot(counts, measured, "-o", color="#fc8d62", label="measured (topic → tracker)")
    for n, rate, point in zip(counts, measured, points, strict=True):
        axes.annotate(f"{rate:,.0f}/s · {point['stack_cores']:.1f} cores", (n, rate), textcoords="offset points",
                      xytext=(4, -12), fontsize=8)
    axes.set_xticks(counts)
    axes.set_xlabel(f"tracking consumer processes ({points[0]['partitions']} partitions)")
    axes.set_ylabel("scans applied per second")
    axes.set_title(f"Consumer scale-out on {scale_out['cores']} cores")
    axes.legend()
    path = stem.with_name(f"{stem.name}-scale-out.png")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return [path]
