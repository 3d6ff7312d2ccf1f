"""A server-drawn SVG line chart (no JavaScript, readable on a phone): the average per bucket as a line, the
min–max band shaded, the schema's range and the alarm rules' thresholds as dashed lines."""

from __future__ import annotations

from django.utils import timezone

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 200, 44, 8, 10, 22


def svg(points: list, *, start, end, low=None, high=None, lines=()) -> dict:
    """``points``: (time, min, avg, max). Returns the path strings and labels for the template."""
    values = [p[1] for p in points] + [p[3] for p in points] + [v for v in lines if v is not None]
    if not values:
        return {}
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    span = (end - start).total_seconds()

    def x(t):
        return PAD_L + (W - PAD_L - PAD_R) * (t - start).total_seconds() / span

    def y(v):
        return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - lo) / (hi - lo))

    line = " ".join(f"{'M' if i == 0 else 'L'}{x(t):.1f},{y(a):.1f}" for i, (t, _mn, a, _mx) in enumerate(points))
    band_top = [f"{x(t):.1f},{y(mx):.1f}" for t, _mn, _a, mx in points]
    band_bottom = [f"{x(t):.1f},{y(mn):.1f}" for t, mn, _a, _mx in reversed(points)]
    band = "M" + " L".join(band_top + band_bottom) + " Z"
    marks = [{"y": f"{y(v):.1f}", "label": f"{v:g}"} for v in lines if v is not None and lo <= v <= hi]
    ticks = []
    for i in range(5):
        t = start + (end - start) * i / 4
        ticks.append({"x": f"{x(t):.1f}", "label": timezone.localtime(t).strftime("%H:%M")})
    return {
        "w": W,
        "h": H,
        "line": line,
        "band": band,
        "marks": marks,
        "ticks": ticks,
        "ymax": f"{hi - pad:.3g}",
        "ymin": f"{lo + pad:.3g}",
        "ytop": PAD_T + 8,
        "ybottom": H - PAD_B,
        "xaxis": H - PAD_B,
        "left": PAD_L,
    }
