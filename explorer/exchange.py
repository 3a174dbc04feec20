"""Data in and out: points as CSV, networks as JSON.

Plain functions with no Streamlit, so that tests and scripts can use them. Reading is where the page
meets the outside world: every refusal is a ``ValueError`` whose message names the line (or the JSON
entry) and says what to change; nothing else escapes.

Points
    ``x,y`` rows (1-D inputs with their labels) or ``x1,x2,y`` rows (2-D inputs), one point per line,
    an optional header line, commas (or semicolons, or tabs) between the values; with semicolons or tabs
    a decimal comma (``1,5``) reads as a decimal point. UTF-8 or UTF-16 with its byte-order mark; any other
    text reads as Windows-1252 (the numbers are ASCII in every code page). Blank lines and lines starting
    with ``#`` are skipped.

Networks
    One JSON document holding the data ``X`` (bias column included when the network has a bias), the
    labels ``y``, ``lam`` and one or more networks ``{"name", "W", "alpha", "objective",
    "certified_gap"}``: ``landscape.objective(W, alpha, X, y, lam)`` gives back ``objective``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .state import MAX_ABS, MAX_POINTS

COLUMNS = {2: ("x", "y"), 3: ("x1", "x2", "y")}
SEPARATORS = (",", ";", "\t")
NETWORKS_FORMAT = "hidden-convex-landscape/networks/1"
OBJECTIVE_TEXT = "sum_j (sum_i alpha_i max(0, w_i . x_j) - y_j)^2 + lam/2 sum_i (|w_i|^2 + alpha_i^2)"


# --- points as CSV ------------------------------------------------------------------------------------


SPREADSHEETS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods (a zip), .xls
UTF16 = (b"\xff\xfe", b"\xfe\xff")  # the byte-order marks


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith(SPREADSHEETS):
        raise ValueError("The file is a spreadsheet, not plain text: save it as CSV (comma-separated values).")
    utf16 = data.startswith(UTF16)
    if not utf16 and b"\x00" in data:
        raise ValueError(
            "The file is not plain text (it holds zero bytes: a binary file, or UTF-16 without its byte-order "
            "mark): save it as CSV UTF-8 (comma-separated values)."
        )
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError:
        if utf16:
            raise ValueError("The file is broken UTF-16 text: save it as CSV UTF-8 (comma-separated values).") from None
    # A CSV saved in a Windows or Latin code page: the numbers are ASCII in every one of them, and only a
    # header's accents could read differently.
    return data.decode("cp1252", errors="replace")


def _separator(line: str) -> str:
    # A tab or a semicolon separates the values wherever it is found: commas may then be decimal commas.
    return next((s for s in reversed(SEPARATORS) if s in line), ",")


def _cells(line: str, separator: str) -> list[str]:
    return [c.strip().strip('"').strip("'").strip() for c in line.split(separator)]


DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


def _number(cell: str, separator: str = ",") -> float | None:
    """The cell's number; where commas do not separate the values, a decimal comma (1,5) reads as 1.5."""
    if separator != "," and DECIMAL_COMMA.fullmatch(cell):
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return None


def _expected(widths: Sequence[int]) -> str:
    return " or ".join(f"{w} ({','.join(COLUMNS[w])})" for w in widths)


def parse_points_csv(
    data: bytes | str, *, widths: Sequence[int] = (2, 3), limit: int = MAX_POINTS
) -> tuple[tuple[float, ...], ...]:
    """Points from CSV text: rows of ``x,y`` or ``x1,x2,y`` (the widths allowed), header optional.

    Returns
    -------
    tuple of tuple of float
        One row per point, every row of the same width.

    Raises
    ------
    ValueError
        Naming the line and the problem: an empty file, a row of the wrong width or of a different width
        than the first, a cell that is empty, not a number, not finite or beyond the page's range, or
        more than ``limit`` points.
    """
    lines = [(k, line) for k, line in enumerate(_text(data).splitlines(), start=1)]
    lines = [(k, line) for k, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"The file is empty: expected one point per line, {_expected(widths)} values.")
    separator = _separator(lines[0][1])
    first_no, first = lines[0]
    header = _cells(first, separator)
    header_width = None
    if all(_number(c, separator) is None for c in header):  # no cell of the first line is a number: column names
        if len(header) > 1 and not header[0] and all(header[1:]):
            raise ValueError(
                f"Line {first_no} names every column but the first: that column looks like a row index "
                "(pandas writes one unless told index=False). Delete it, or save without the index."
            )
        header_width = len(header)
        lines = lines[1:]
        if not lines:
            raise ValueError(f"Line {first_no} is a header and no point follows it.")
    if len(lines) > limit:
        raise ValueError(
            f"Line {lines[limit][0]} holds point {limit + 1}: the page takes at most {limit} points "
            f"and this file has {len(lines)}. Keep the first {limit} or thin the data out."
        )
    rows: list[tuple[float, ...]] = []
    width = None
    for k, line in lines:
        cells = _cells(line, separator)
        if width is None:
            width = len(cells)
            if width not in widths:
                raise ValueError(f"Line {k} has {width} value(s); expected {_expected(widths)} per line.")
            if header_width is not None and header_width != width:
                raise ValueError(
                    f"Line {first_no} (the header) names {header_width} columns but line {k} has {width} values."
                )
        elif len(cells) != width:
            raise ValueError(
                f"Line {k} has {len(cells)} value(s) where the lines above have {width}: "
                f"every line needs the same {width} columns ({','.join(COLUMNS[width])})."
            )
        row = []
        for c, cell in enumerate(cells, start=1):
            where = f"Line {k}, column {c} ({COLUMNS[width][c - 1]})"
            if not cell:
                raise ValueError(f"{where} is empty: every point needs all {width} values.")
            v = _number(cell, separator)
            if v is None:
                raise ValueError(f"{where}: '{cell[:30]}' is not a number.")
            if not math.isfinite(v):
                raise ValueError(f"{where}: '{cell[:30]}' is not a finite number.")
            if abs(v) > MAX_ABS:
                raise ValueError(f"{where}: {_num(v)} is beyond ±{MAX_ABS:g}, the range the page takes.")
            row.append(v)
        rows.append(tuple(row))
    return tuple(rows)


def _num(v: float) -> str:
    """Shortest text that reads back as exactly the same float."""
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def points_csv(points: Sequence[Sequence[float]]) -> str:
    """Points as CSV with a header (``x,y`` or ``x1,x2,y``), each value written to read back exactly."""
    rows = [tuple(float(v) for v in p) for p in points]
    width = len(rows[0]) if rows else 2
    if width not in COLUMNS or any(len(r) != width for r in rows):
        raise ValueError(f"Points must all be rows of 2 (x, y) or 3 (x1, x2, y) numbers, got widths {width}")
    lines = [",".join(COLUMNS[width])] + [",".join(_num(v) for v in r) for r in rows]
    return "\n".join(lines) + "\n"


# --- networks as JSON ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    """A two-layer ReLU network f(x) = Σ alpha_i max(0, w_i·x) and what it scores on the file's data.

    ``certified_gap`` is its objective minus a certified lower bound on the global optimum (None when
    there is no certificate).
    """

    name: str
    W: np.ndarray
    alpha: np.ndarray
    objective: float
    certified_gap: float | None = None


@dataclass(frozen=True)
class NetworksFile:
    """The data, lambda and networks of one JSON file (see :func:`networks_json`)."""

    X: np.ndarray
    y: np.ndarray
    lam: float
    networks: tuple[Network, ...]
    lower_bound: float | None = None
    description: str = ""

    def network(self, name: str) -> Network:
        for n in self.networks:
            if n.name == name:
                return n
        raise KeyError(f"No network {name!r}; the file has {', '.join(n.name for n in self.networks)}")


def _finite_or_none(v) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def networks_json(file: NetworksFile) -> str:
    """The networks and their data as JSON text that :func:`read_networks` reads back exactly."""
    X = np.asarray(file.X, dtype=np.float64)
    doc = {
        "format": NETWORKS_FORMAT,
        "description": file.description,
        "objective": OBJECTIVE_TEXT,
        "lam": float(file.lam),
        "lower_bound": _finite_or_none(file.lower_bound),
        "data": {"X": X.tolist(), "y": np.asarray(file.y, dtype=np.float64).tolist()},
        "networks": [
            {
                "name": n.name,
                "W": np.asarray(n.W, dtype=np.float64).reshape(-1, X.shape[1]).tolist(),
                "alpha": np.asarray(n.alpha, dtype=np.float64).reshape(-1).tolist(),
                "objective": _finite_or_none(n.objective),
                "certified_gap": _finite_or_none(n.certified_gap),
            }
            for n in file.networks
        ],
    }
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


def _matrix(value: Any, where: str, columns: int | None = None) -> np.ndarray:
    if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
        raise ValueError(f"{where} must be a list of rows (lists of numbers).")
    widths = {len(r) for r in value}
    if len(widths) > 1:
        raise ValueError(f"{where} has rows of different lengths {sorted(widths)}.")
    arr = _numbers(value, where)
    width = widths.pop() if widths else (columns or 0)
    arr = arr.reshape(len(value), width)
    if columns is not None and width != columns:
        raise ValueError(f"{where} has rows of {width} numbers but X has {columns} columns.")
    return arr


def _numbers(value: Any, where: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{where} must hold only numbers.") from None
    if arr.dtype == object or not np.all(np.isfinite(arr)):
        raise ValueError(f"{where} must hold only finite numbers.")
    return arr


def _vector(value: Any, where: str, length: int) -> np.ndarray:
    if not isinstance(value, list) or any(isinstance(v, (list, dict, bool)) for v in value):
        raise ValueError(f"{where} must be a list of numbers.")
    arr = _numbers(value, where)
    if len(arr) != length:
        raise ValueError(f"{where} has {len(arr)} numbers; expected {length}.")
    return arr


def _scalar(value: Any, where: str, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where} must be a finite number" + (" or null." if optional else "."))
    return float(value)


def read_networks(text: bytes | str) -> NetworksFile:
    """Read a file written by :func:`networks_json`; ValueError says what is wrong and where."""
    try:
        doc = json.loads(_text(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"Line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}).") from None
    if not isinstance(doc, dict):
        raise ValueError("The file must hold one JSON object with 'data', 'lam' and 'networks'.")
    missing = [k for k in ("data", "lam", "networks") if k not in doc]
    if missing:
        raise ValueError(f"The file has no {', '.join(repr(k) for k in missing)}.")
    data = doc["data"]
    if not isinstance(data, dict) or "X" not in data or "y" not in data:
        raise ValueError("'data' must be an object with 'X' (rows of inputs) and 'y' (labels).")
    X = _matrix(data["X"], "data.X")
    if len(X) == 0:
        raise ValueError("data.X is empty: the networks need the data they were trained on.")
    y = _vector(data["y"], "data.y", len(X))
    lam = _scalar(doc["lam"], "lam")
    assert lam is not None
    if lam < 0:
        raise ValueError("lam must be ≥ 0.")
    nets = doc["networks"]
    if not isinstance(nets, list) or not nets:
        raise ValueError("'networks' must be a non-empty list.")
    out = []
    for i, n in enumerate(nets):
        where = f"networks[{i}]"
        if not isinstance(n, dict) or "W" not in n or "alpha" not in n:
            raise ValueError(f"{where} must be an object with 'W' and 'alpha'.")
        W = _matrix(n["W"], f"{where}.W", X.shape[1])
        alpha = _vector(n["alpha"], f"{where}.alpha", len(W))
        objective = _scalar(n.get("objective"), f"{where}.objective", optional=True)
        out.append(
            Network(
                name=str(n.get("name", f"network {i}")),
                W=W,
                alpha=alpha,
                objective=math.nan if objective is None else objective,
                certified_gap=_scalar(n.get("certified_gap"), f"{where}.certified_gap", optional=True),
            )
        )
    lower = _scalar(doc.get("lower_bound"), "lower_bound", optional=True)
    return NetworksFile(X, y, lam, tuple(out), lower, str(doc.get("description", "")))
