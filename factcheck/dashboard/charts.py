"""Bar charts as plain SVG geometry, drawn by ``templates/dashboard/_chart.html``.

No script and no inline style (the CSP allows neither): bars are ``<rect>`` elements with a
class per series (colours in ``static/dashboard.css``), each with a ``<title>`` giving its
figure; the chart is an ``img`` whose text alternative points to the table beside it, which
holds the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from factcheck.dashboard.figures import Table

LABEL_WIDTH = 170
BAR_HEIGHT = 14
GAP = 10
WIDTH = 560
PLOT = WIDTH - LABEL_WIDTH - 50


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "end"


@dataclass
class Chart:
    key: str
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)
    empty: bool = False


def _text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def bar_chart(table: Table, label_column: int, series: list[int]) -> Chart:
    """Horizontal grouped bars: one group per row, one bar per series column."""
    rows = table.rows
    top = 28 if len(series) > 1 else 8
    group = len(series) * BAR_HEIGHT + GAP
    chart = Chart(
        key=table.key,
        title=table.title,
        width=WIDTH,
        height=top + max(1, len(rows)) * group + 8,
    )
    values = [float(row[i] or 0) for row in rows for i in series]
    peak = max(values, default=0.0)
    chart.empty = peak == 0
    scale = PLOT / peak if peak else 0.0
    if len(series) > 1:
        x = LABEL_WIDTH
        for n, column in enumerate(series):
            chart.legend.append((n, table.columns[column]))
            chart.labels.append(Label(x + 14, 14, table.columns[column], "start"))
            x += 130
    for r, row in enumerate(rows):
        y0 = top + r * group
        chart.labels.append(
            Label(LABEL_WIDTH - 6, y0 + group / 2 - GAP / 2 + 4, _text(row[label_column]))
        )
        for n, column in enumerate(series):
            value = float(row[column] or 0)
            width = value * scale
            y = y0 + n * BAR_HEIGHT
            title = (
                f"{_text(row[label_column])}, {table.columns[column]}: {_text(row[column] or 0)}"
            )
            chart.bars.append(Bar(LABEL_WIDTH, y, max(width, 0.0), BAR_HEIGHT - 2, n, title))
            chart.labels.append(
                Label(LABEL_WIDTH + width + 4, y + BAR_HEIGHT - 4, _text(row[column] or 0), "start")
            )
    return chart
