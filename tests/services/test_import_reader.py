"""The import's fast reading of plain lines gives exactly what the careful reader gives (issue 15).

Lines without a quote or a lone CR are read a block at a time and parsed together; every
other record goes through the careful reader (quotes across lines, over-long rows). Whatever
the text, block boundaries included, both ways give the same records, line numbers and
rejects.
"""

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.services import importing


class Rejects:
    def __init__(self, header):
        self.header, self.rows, self.early = header, [], 0

    def add(self, fields, line, reason):
        self.rows.append((list(fields), line, reason))


def read(path, careful_only):
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        records = importing._Records(f)
        if careful_only:
            records.plain_lines = lambda: (records.line + 1, [])
        reader = csv.reader(records.texts(), strict=False)
        header = next(reader, None)
        rejects = Rejects(header or [])
        batches = list(importing._batches(reader, records, 3, rejects))
    return header, batches, rejects.rows, rejects.early


PIECES = st.sampled_from(["a", "bc", ",", ",", '"', '""', "\n", "\n", "\r\n", "\r", " ", "é"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=80).map("".join), st.sampled_from([4, 7, 64, 1 << 16]))
def test_fast_and_careful_reading_give_the_same_records(tmp_path_factory, text, chunk):
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_bytes(("h1,h2\n" + text).encode("utf-8", "surrogateescape"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importing, "_BLOCK", chunk)
        fast = read(path, careful_only=False)
        careful = read(path, careful_only=True)
    assert fast == careful


def test_plain_lines_are_read_together_with_their_line_numbers(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b'h1,h2\r\na,b\r\n\r\nc,"d\r\ne"\r\nf,g\rh,i\n')
    _, batches, rejects, _ = read(path, careful_only=False)
    assert [row for batch in batches for row in batch] == [
        (2, ["a", "b"]),
        (3, []),
        (4, ["c", "d\r\ne"]),
        (6, ["f", "g"]),
        (7, ["h", "i"]),
    ]
    assert rejects == []
