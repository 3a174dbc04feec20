"""Points as CSV and networks as JSON: exact round trips, and a message naming the line for every bad file."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import landscape as L
import solvers as S
from explorer.exchange import (
    Network,
    NetworksFile,
    networks_json,
    parse_points_csv,
    points_csv,
    read_networks,
)
from explorer.state import MAX_ABS, MAX_POINTS

coordinate = st.floats(min_value=-MAX_ABS, max_value=MAX_ABS, allow_nan=False)


@given(st.integers(2, 3).flatmap(lambda w: st.lists(st.tuples(*[coordinate] * w), min_size=1, max_size=40)))
def test_points_read_back_exactly(points):
    text = points_csv(points)
    assert parse_points_csv(text) == tuple(points)
    assert parse_points_csv(text.encode()) == tuple(points)


@given(
    st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=10),
    st.sampled_from([",", ";", "\t"]),
    st.booleans(),
    st.booleans(),
)
def test_header_separators_blank_lines_and_crlf_are_accepted(points, sep, header, crlf):
    lines = (["x" + sep + "y"] if header else []) + [sep.join(repr(v) for v in p) for p in points]
    lines.insert(len(lines) // 2, "")
    text = ("\r\n" if crlf else "\n").join(lines)
    assert parse_points_csv(text) == tuple(points)


def test_plain_file_with_a_byte_order_mark_and_comments():
    text = "\ufeff# from a spreadsheet\nx1, x2, label\n 1, 2, 3\n-1.5e-1,0,1\n"
    assert parse_points_csv(text.encode()) == ((1.0, 2.0, 3.0), (-0.15, 0.0, 1.0))


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The file is empty"),
        ("\n \n# nothing\n", "The file is empty"),
        ("x,y\n", "Line 1 is a header and no point follows it"),
        ("x,y\n1,2\n3,abc\n", "Line 3, column 2 (y): 'abc' is not a number"),
        ("1,2\n3,4,5\n", "Line 2 has 3 value(s) where the lines above have 2"),
        ("1,2,3,4\n", "Line 1 has 4 value(s); expected 2 (x,y) or 3 (x1,x2,y)"),
        ("1\n", "Line 1 has 1 value(s)"),
        ("x,y\n1,nan\n", "Line 2, column 2 (y): 'nan' is not a finite number"),
        ("1,2\n-inf,2\n", "Line 2, column 1 (x): '-inf' is not a finite number"),
        ("1,2\n,2\n", "Line 2, column 1 (x) is empty"),
        ("1,5000\n", "Line 1, column 2 (y): 5000 is beyond ±1000"),
        ("x,y,z\n1,2\n", "Line 1 (the header) names 3 columns but line 2 has 2 values"),
    ],
)
def test_bad_files_name_the_line_and_the_problem(text, message):
    with pytest.raises(ValueError) as info:
        parse_points_csv(text)
    assert message in str(info.value)


def test_too_many_rows_names_the_first_line_over_the_limit():
    text = "x,y\n" + "".join(f"{k / 1000},{k % 7}\n" for k in range(MAX_POINTS + 3))
    with pytest.raises(ValueError, match=rf"Line {MAX_POINTS + 2} holds point {MAX_POINTS + 1}.*at most {MAX_POINTS}"):
        parse_points_csv(text)
    assert len(parse_points_csv(text, limit=MAX_POINTS + 3)) == MAX_POINTS + 3


def test_width_can_be_restricted():
    with pytest.raises(ValueError, match=r"Line 1 has 3 value\(s\); expected 2 \(x,y\) per line"):
        parse_points_csv("1,2,3\n", widths=(2,))


def test_binary_file_is_refused_with_a_hint():
    with pytest.raises(ValueError, match="spreadsheet, not plain text.*save it as CSV"):
        parse_points_csv(b"PK\x03\x04\xff\xfe binary")
    with pytest.raises(ValueError, match="not plain text.*save it as CSV UTF-8"):
        parse_points_csv(b"\x01\x02\x00\x00\x7f binary")


def test_a_csv_in_a_windows_code_page_reads_as_one_in_utf8():
    text = "x (m\u00e8tres);\u00e9tiquette\n1;2\n-0.5;3\n"
    assert parse_points_csv(text.encode("cp1252")) == parse_points_csv(text) == ((1.0, 2.0), (-0.5, 3.0))
    assert parse_points_csv(text.encode("utf-16")) == ((1.0, 2.0), (-0.5, 3.0))


def test_decimal_commas_read_where_commas_do_not_separate_values():
    assert parse_points_csv("x;y\n1,5;-2,25\n0;3e-1\n") == ((1.5, -2.25), (0.0, 0.3))
    assert parse_points_csv("1,5\t2\n") == ((1.5, 2.0),)
    with pytest.raises(ValueError, match="Line 1 has 3 value"):
        parse_points_csv("1,5,2\n", widths=(2,))  # with commas between values, 1,5 is two values


def test_a_pandas_index_column_is_named_as_such():
    with pytest.raises(ValueError, match="first: that column looks like a row index.*index=False"):
        parse_points_csv(",x,y\n0,1,2\n1,3,4\n")


def test_a_value_just_beyond_the_range_is_shown_with_all_its_digits():
    with pytest.raises(ValueError, match=r"1000\.0001 is beyond ±1000"):
        parse_points_csv("1000.0001,1\n")


# --- networks ----------------------------------------------------------------------------------------


def _file(X, y, lam, nets):
    return NetworksFile(X, y, lam, tuple(nets))


@given(
    st.integers(1, 6),
    st.integers(1, 8),
    st.floats(0, 2),
    st.integers(0, 2**31 - 1),
)
def test_networks_read_back_to_the_same_objective(m, n, lam, seed):
    rng = np.random.default_rng(seed)
    X = L.with_bias(rng.uniform(-1, 1, n))
    y = rng.normal(size=n)
    W, alpha = rng.normal(size=(m, 2)), rng.normal(size=m)
    value = float(L.objective(W, alpha, X, y, lam))
    text = networks_json(_file(X, y, lam, [Network("run", W, alpha, value, 0.5)]))
    back = read_networks(text)
    net = back.network("run")
    np.testing.assert_array_equal(net.W, W)
    np.testing.assert_array_equal(net.alpha, alpha)
    assert back.lam == lam and net.certified_gap == 0.5
    assert L.objective(net.W, net.alpha, back.X, back.y, back.lam) == value == net.objective


def test_optimal_network_of_problem_2_reads_back_with_its_certificate():
    x = np.array([-1.0, -0.3, 0.2, 0.9])
    y = np.array([0.5, -0.2, 0.4, 1.0])
    X = L.with_bias(x)
    sol = S.solve_convex(X, y, 0.05)
    W, alpha = sol.network()
    value = float(L.objective(W, alpha, X, y, 0.05))
    text = networks_json(_file(X, y, 0.05, [Network("optimum", W, alpha, value, sol.gap)]))
    back = read_networks(text).network("optimum")
    assert L.objective(back.W, back.alpha, X, y, 0.05) == pytest.approx(sol.objective, rel=1e-7)
    assert back.certified_gap == sol.gap


def test_non_finite_scores_are_written_as_null():
    X, y = np.ones((2, 1)), np.zeros(2)
    text = networks_json(_file(X, y, 0.0, [Network("a", np.ones((1, 1)), np.ones(1), float("inf"), float("nan"))]))
    doc = json.loads(text)
    assert doc["networks"][0]["objective"] is None and doc["networks"][0]["certified_gap"] is None


def _doc(**changes):
    doc = {
        "lam": 0.1,
        "data": {"X": [[1.0, 1.0], [2.0, 1.0]], "y": [1.0, 2.0]},
        "networks": [{"W": [[1, 0]], "alpha": [1]}],
    }
    doc.update(changes)
    return json.dumps(doc)


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", "Line 1, column 2: not valid JSON"),
        ("[1, 2]", "one JSON object"),
        (json.dumps({"lam": 1}), "no 'data', 'networks'"),
        (_doc(lam=-1), "lam must be ≥ 0"),
        (_doc(lam="x"), "lam must be a finite number"),
        (_doc(data={"X": [[1.0], [2.0, 3.0]], "y": [1, 2]}), "data.X has rows of different lengths"),
        (_doc(data={"X": [[1.0, 1.0]], "y": [1, 2]}), "data.y has 2 numbers; expected 1"),
        (_doc(networks=[{"W": [[1, 0, 0]], "alpha": [1]}]), "networks[0].W has rows of 3 numbers but X has 2"),
        (_doc(networks=[{"W": [[1, 0]], "alpha": [1, 2]}]), "networks[0].alpha has 2 numbers; expected 1"),
        (_doc(networks=[{"W": [["a", 0]], "alpha": [1]}]), "networks[0].W must hold only numbers"),
        (_doc(networks=[]), "'networks' must be a non-empty list"),
    ],
)
def test_bad_network_files_say_what_is_wrong(text, message):
    with pytest.raises(ValueError) as info:
        read_networks(text)
    assert message in str(info.value)
