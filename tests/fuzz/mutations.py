"""Hypothesis strategies that mutate real seed files.

* :func:`byte_mutants`: a seed with 1-8 byte-level edits — bit flips, bytes set to characters
  that matter to the formats, inserted random bytes or tokens, deleted and duplicated chunks,
  splices from another seed, truncation.
* :func:`json_mutants`: a parsed JSON seed with 1-4 structural edits — a node replaced by a
  random value (huge numbers, NaN, strings, containers), a key deleted, two nodes swapped, a
  list item duplicated, then maybe a node wrapped in up to 3,000 lists — written back as JSON.
* :func:`csv_tables`: random small tables (numbers, huge and special numbers, missing-value
  markers, quotes, delimiters inside cells) written with a random delimiter.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

TOKENS = [b"\0", b"\xff\xfe", b"\xef\xbb\xbf", b"\r\n", b"\n", b'"', b"\\", b"{", b"}", b"[",
          b"]", b",", b";", b":", b"\t", b"|", b"(", b")", b"-", b"1e999", b"-1e999", b"NaN",
          b"Infinity", b"null", b"true", b"99999999999999999999999999999999", b"-0", b"0x1f",
          b"1" * 5000, b"pi", b"/", b"*", b"^", b"q[999999999]", b"qreg q[40];",
          b"qubit[31] q;", b"gate g a { g a; }", b"include \"stdgates.inc\";", b"NA",
          b"\xc3\x28", b"\xed\xa0\x80", b"[" * 300, b"{\"a\":" * 200]
"""Fragments that mean something to JSON, CSV or OpenQASM, or break decoders (5,000 digits:
past Python's 4,300-digit limit for int())."""

_KINDS = ["flip", "set", "insert", "token", "delete", "duplicate", "splice", "truncate"]


@st.composite
def byte_mutants(draw, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` with 1-8 byte-level mutations."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(_KINDS))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and data:
            data[min(at, len(data) - 1)] = draw(st.sampled_from(b'\0\xff"{}[],;:\n\r\t -0'))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 256)))
            chunk = bytes(data[at:end])
            where = draw(st.integers(0, len(data)))
            data[where:where] = chunk * draw(st.integers(1, 4))
        elif kind == "splice":
            other = draw(st.sampled_from(seeds))
            start = draw(st.integers(0, len(other)))
            data[at:] = other[start:]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**40, 10**40)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=10)
    | st.sampled_from([10**400, -1, 0, 2**31, 2**63, 1e308, -0.0, "", "x", "\ud800"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=8,
)
"""Any JSON value, with the numbers and strings that break careless readers."""


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        value = value[key]
    return value


def _set(document: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    _get(document, path[:-1])[path[-1]] = new
    return document


@st.composite
def json_mutants(draw, seeds: list[bytes]) -> bytes:
    """One of the JSON ``seeds`` with 1-4 structural edits, serialized again."""
    document = json.loads(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["replace", "delete", "swap", "duplicate"]))
        if kind == "replace":
            document = _set(document, path, draw(json_values))
        elif kind == "delete" and path:
            del _get(document, path[:-1])[path[-1]]
        elif kind == "swap":
            other = draw(st.sampled_from(paths))
            if not (path[:len(other)] == other or other[:len(path)] == path):  # disjoint
                a, b = _get(document, path), _get(document, other)
                document = _set(_set(document, path, b), other, a)
        elif kind == "duplicate":
            node = _get(document, path)
            if isinstance(node, list) and node:
                node.append(node[draw(st.integers(0, len(node) - 1))])
    if draw(st.booleans()):  # last, so the edits above never walk a deep chain
        path = draw(st.sampled_from(_paths(document)))
        node = _get(document, path)
        for _ in range(draw(st.integers(1, 3000))):
            node = [node]
        document = _set(document, path, node)
    try:
        return json.dumps(document, allow_nan=True).encode("utf-8", "surrogatepass")
    except RecursionError:  # nested deeper than json.dumps goes: still a valid input
        return b"[" * 3000 + json.dumps(None).encode() + b"]" * 3000


_cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["", "NA", "nan", "?", "1e999", "-0", "0x10", " 1 ", "1,5", '"', 'a"b',
                     "x;y", "\n", "é", "1" * 400]),
    st.text(max_size=6),
)


@st.composite
def csv_tables(draw) -> bytes:
    """A random small table written as CSV text with a random delimiter and line ending."""
    delimiter = draw(st.sampled_from(",;\t| "))
    width = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(_cells, min_size=width, max_size=width + draw(
        st.integers(0, 1))), min_size=0, max_size=12))
    if draw(st.booleans()):
        rows.insert(0, [f"c{i}" for i in range(width)])
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(delimiter.join(row) for row in rows)
    return text.encode("utf-8", "surrogatepass")
