"""Markdown output of the benchmarks: tables, the bold worst case, and met / MISSED verdicts."""

from __future__ import annotations

import math


def table(header: tuple, rows: list[tuple]) -> str:
    """A markdown table (cells converted with ``str``; ``|`` in a cell is escaped)."""

    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *map(line, rows)])


def bold(text: str) -> str:
    return f"**{text}**"


def seconds(s: float) -> str:
    """Wall time to three significant figures ("-" when not measured)."""
    if s is None or math.isnan(s):
        return "-"
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


def sci(x: float) -> str:
    return "-" if x is None or math.isnan(x) else f"{x:.1e}"


def ratio(r: float) -> str:
    if r is None or math.isnan(r):
        return "-"
    return f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def verdict(target: str, ok: bool | None, measured: str) -> str:
    """One summary line: the target, what was measured, met / MISSED (or not measured)."""
    word = "not measured" if ok is None else ("met" if ok else "MISSED")
    return f"- target: {target}: {measured} -> **{word}**"
