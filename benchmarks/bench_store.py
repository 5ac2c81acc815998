"""Record-store benchmark: history lookups at scale, and import throughput.

Run: ``python benchmarks/bench_store.py [--children N] [--presentations M] [--lookups K]
[--import-rows R]``. Prints a markdown table and writes ``benchmarks/results-store.md``.

1. Builds a SQLite database of 200,000 children and 1,000,000 presentations with
   ``demo generate`` (synthetic, deterministic).
2. History by NHS number, on the database encrypted as the app keeps it (SQLCipher, a raw
   32-byte key): the full use-case (``history_by_nhs_number``: the history read, then one
   transaction for the possible other records of the same child (issue 18's scored search)
   and the audit event, and the engine's flags), the repository read alone (the very
   function the use-case calls, ``store.history_read.history_by_nhs_number``: child,
   same-child links, household, presentations with their latest urgencies, in one read
   transaction on the kept connection), and two hand-written floors in ``sqlcipher3`` on the SAME file with
   the same key, on a connection kept open: the repository's SELECTs alone, and the "same
   work" the use-case must do (those SELECTs, the candidate search and scoring, the
   candidates' injuries, the audit event with its hash chain, and the commit, in one
   ``BEGIN IMMEDIATE`` transaction). All four are timed interleaved, lookup by lookup.
3. Name and date of birth: ``find_matches`` (candidates, scoring, audit) against the same
   candidate query in hand-written SQL plus the same scoring.
4. Import: ``import presentations`` of a CSV into an empty database, against raw
   ``sqlite3.executemany`` of the same rows (CSV parsed, children and presentations inserted,
   no validation) into the same schema, storing the same values and committing after each
   batch of 50,000 rows as the app does (see :func:`raw_import`); the two in turns,
   ``--import-rounds`` (5) rounds, judged on the median of the rounds' own ratios.
   Both on plain (unencrypted) SQLite files, as since issue 3: the 50,000 rows/s target was
   set for such a file.

Targets (issue 3): NHS-number lookup p99 <= 10 ms; name and date of birth p99 <= 50 ms;
import >= 50,000 rows/s. Issue 15: the NHS-number use-case's median within 5x the
hand-written SQL, the repository read within 3x, import at least 0.8x raw executemany. The
use-case's 5x is judged against the "same work" floor (the SELECT-only floor leaves out the
audit event, the commit and the candidate search the use-case must run); its ratio to the
SELECT-only floor is shown too. The app keeps one connection open (``store.db``); a row also
times the SQL opening its own keyed connection per lookup, as the app did before issue 15.
"""

import argparse
import csv
import json
import os
import platform
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage_app.domain.engine import Engine  # noqa: E402
from triage_app.services import history, matching, synthetic  # noqa: E402
from triage_app.services.context import open_store  # noqa: E402
from triage_app.services.importing import BATCH, COLUMNS, import_presentations  # noqa: E402
from triage_app.store import history_read  # noqa: E402
from triage_app.store.audit import GENESIS_HASH, canonical, event_hash  # noqa: E402
from triage_app.store.db import CACHE_KIB, raw_key_pragma_value  # noqa: E402
from triage_app.store.search import match_columns, name_key  # noqa: E402

NOW = datetime(2026, 1, 2, 9, 0)


def percentiles(samples):
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def timed_interleaved(fns, items, warmup=20, repeats=1):
    """Time each function on every item, interleaved (item by item, in a shuffled order), so
    every measurement sees the same machine load; return each one's percentiles.

    The order is shuffled for every item, not rotated: a function that always ran straight
    after a writer would always find its page cache dropped (SQLite drops a connection's
    cache when another connection has written), and one that always ran after a reader on
    its own connection never would. Shuffling is fair only when the connections compared
    carry as many timed readers and writers each: a connection with more readers has its
    cache refreshed more often between another connection's writes. With ``repeats`` > 1 each item is timed that many times
    per function (still interleaved) and its best time kept: on a shared machine that drops
    the descheduled runs, for the app and its floors alike.
    """
    order_rng = random.Random(17)
    for item in items[:warmup]:
        for fn in fns:
            fn(item)
    samples = [[] for _ in fns]
    for item in items:
        best = [float("inf")] * len(fns)
        for _ in range(repeats):
            order = list(range(len(fns)))
            order_rng.shuffle(order)
            for j in order:
                start = time.perf_counter()
                fns[j](item)
                best[j] = min(best[j], time.perf_counter() - start)
        for j, t in enumerate(best):
            samples[j].append(t)
    return [percentiles(x) for x in samples]


def timed(fn, items, warmup=20):
    for item in items[:warmup]:
        fn(item)
    samples = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def raw_history(conn, nhs, with_id=False):
    """The history read in hand-written SQL: what the repository reads, on an open connection.

    The child, its same-child links, its household links and their children, every
    presentation of them, and the urgency of each presentation's latest assessment.
    """
    child = conn.execute(
        "SELECT id, family_name, given_name, date_of_birth FROM child WHERE nhs_number = ?", (nhs,)
    ).fetchone()
    same = conn.execute(
        "SELECT child_id, other_child_id FROM child_link WHERE (child_id = ? OR other_child_id = ?) "
        "AND kind = 'same_child' AND ended_at IS NULL",
        (child[0], child[0]),
    ).fetchall()
    links = conn.execute(
        "SELECT child_id, related_child_id, relation, person_name FROM household_link "
        "WHERE child_id = ? OR related_child_id = ?",
        (child[0], child[0]),
    ).fetchall()
    ids = {child[0]} | {x for link in [*links, *same] for x in link[:2] if x is not None}
    marks = ",".join("?" * len(ids))
    others = conn.execute(
        f"SELECT id, family_name, given_name, date_of_birth, cp_plan FROM child WHERE id IN ({marks})",
        tuple(ids),
    ).fetchall()
    rows = conn.execute(
        "SELECT id, child_id, seen_at, setting, organisation, complaint, findings, outcome "
        f"FROM presentation WHERE child_id IN ({marks}) ORDER BY seen_at DESC, id DESC",
        tuple(ids),
    ).fetchall()
    found = [r[0] for r in rows]
    urgency = {}
    if found:
        urgency = dict(
            conn.execute(
                "SELECT presentation_id, urgency FROM assessment WHERE presentation_id IN "
                f"({','.join('?' * len(found))}) ORDER BY id",
                found,
            ).fetchall()
        )
    result = [(r[0], r[2], json.loads(r[6]), urgency.get(r[0])) for r in rows]
    return (others, result, child[0]) if with_id else (others, result)


APP_PRAGMAS = (
    "foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536",
    "busy_timeout=10000",
)  # fmt: skip


def keyed_connection(db, key):
    """A ``sqlcipher3`` connection to the encrypted file, keyed and set up as the app's."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(db), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f'PRAGMA key = "{raw_key_pragma_value(key)}"')
    conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    for pragma in APP_PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    return conn


def raw_history_in_transaction(conn, nhs):
    """The SELECT-only floor: :func:`raw_history` in one read transaction (one snapshot, as
    the repository reads inside the use-case's transaction). Faster than running the same
    SELECTs each in its own implicit transaction (the floor before issue 15's second round,
    shown as information)."""
    conn.execute("BEGIN")
    try:
        return raw_history(conn, nhs)
    finally:
        conn.execute("COMMIT")


def raw_history_connecting(db, key, nhs):
    """The SELECT-only floor, opening and closing its own keyed connection per lookup, as
    every use-case did before issue 15 (no connection kept)."""
    conn = keyed_connection(db, key)
    try:
        conn.execute("BEGIN")
        result = raw_history(conn, nhs)
        conn.execute("COMMIT")
        return result
    finally:
        conn.close()


def raw_same_work(conn, nhs, user="bench"):
    """The use-case's work in hand-written SQL: the "same work" floor.

    One ``BEGIN IMMEDIATE`` transaction (as every use-case): the history SELECTs
    (:func:`raw_history`), the child's rejected matches, the candidate search and scoring
    (issue 18's floor, :func:`raw_matches`) for the child, the candidates' presentations (their
    injuries), the audit event (the last hash read, the next one computed over the same
    canonical text, the row inserted) and the commit. Not included: the engine's flags (a
    protocol decision over the history) and the records' construction.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        others, entries, child_id = raw_history(conn, nhs, with_id=True)
        _, family, given, dob, _ = next(r for r in others if r[0] == child_id)
        rejected = conn.execute(
            "SELECT child_id, other_child_id FROM child_link WHERE (child_id = ? OR "
            "other_child_id = ?) AND kind = 'not_same' AND ended_at IS NULL",
            (child_id, child_id),
        ).fetchall()
        skip = {child_id} | {x for r in rejected for x in r}
        matches = [
            m
            for m in raw_matches(conn, family, given, datetime.fromisoformat(dob).date())
            if m.person.ref not in skip
        ]
        if matches:
            ids = [m.person.ref for m in matches]
            conn.execute(
                "SELECT id, child_id, seen_at, setting, findings, complaint FROM presentation "
                f"WHERE child_id IN ({','.join('?' * len(ids))}) ORDER BY seen_at DESC, id DESC",
                ids,
            ).fetchall()
        prev = conn.execute("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
        prev = prev[0] if prev else GENESIS_HASH
        stamp = NOW.isoformat(timespec="microseconds")
        after = canonical(
            {
                "presentations": [e[0] for e in entries],
                "linked": [],
                "possible_matches": [m.person.ref for m in matches],
            }
        )
        digest = event_hash(prev, stamp, user, "view", "history", str(child_id), None, after)
        conn.execute(
            "INSERT INTO audit_event (at, username, action, entity, entity_id, before, after, "
            "prev_hash, hash) VALUES (?, ?, 'view', 'history', ?, NULL, ?, ?, ?)",
            (stamp, user, str(child_id), after, prev, digest),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return entries


def raw_matches(conn, family, given, dob):
    """The record-matching search in hand-written SQL plus the same scorer (the floor).

    The same function as ``bench_matching.raw_matches`` (issue 18's candidate search).
    """
    from bench_matching import raw_matches as matching_floor

    return matching_floor(conn, family, given, dob)[: matching.MAX_RESULTS]


def write_import_csv(path, rows, seed=11):
    rng = random.Random(seed)
    numbers = synthetic.synthetic_nhs_numbers(900_000)
    kids = [
        (
            next(numbers),
            rng.choice(synthetic.FAMILY_NAMES),
            rng.choice(synthetic.GIVEN_NAMES),
            f"2025-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        )
        for _ in range(rows // 5)
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(rows):
            nhs, fam, giv, dob = kids[i % len(kids)]
            w.writerow(
                [
                    "bench",
                    f"B{i}",
                    nhs,
                    fam,
                    giv,
                    dob,
                    "female",
                    "XX1 1AA",
                    f"2025-12-{rng.randint(1, 28):02d}T{rng.randint(8, 20):02d}:30",
                    "gp",
                    "Synthetic Surgery",
                    "bench presentation",
                    "bruise@cheek;bleeding@mouth",
                    "advice given",
                ]
            )


def raw_import(db, csv_path, same_writes=True, batch=None):
    """Raw ``sqlite3`` import of the CSV's rows (parsed, no validation): the floor.

    ``same_writes`` (since issue 15i): every column the app stores gets the same value (the
    children's name key and the three record-matching keys, computed with the app's own
    ``match_columns`` before the clock starts), on a connection set up as the app's
    (``foreign_keys=ON``, WAL, ``synchronous=NORMAL``, the same page cache), so the same
    indexes get the same entries and the same constraints are checked. Without it: the floor
    used before issue 15i, which left the three matching keys empty (NULL: three of the child
    table's indexes got one constant entry instead of the real keys), kept SQLite's default
    page cache and foreign keys off.

    ``batch``: commit after each ``batch`` rows (each batch's new children, then its
    presentations), as the app commits each of its batches, so both make the same writes
    durable at the same points: with 4 commits instead of 1, the index pages each batch
    changes are written to the log, and checkpointed, once per batch. ``None``: the whole
    file in one transaction (the floor judged before this session, shown as information).
    """
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    if same_writes:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    if same_writes:
        # The derived keys are the app's work, not the floor's: worked out before the clock
        # starts, so the floor times only reading the file and writing the rows.
        with csv_path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            for r in reader:
                match_keys(r[3], r[4])
    start = time.perf_counter()
    with csv_path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        rows = list(reader)
    now = NOW.isoformat(" ", "microseconds")
    findings = json.dumps(
        [{"kind": "bruise", "site": "cheek"}, {"kind": "bleeding", "site": "mouth"}]
    )
    ids = {}
    step = batch or max(1, len(rows))
    for first in range(0, len(rows), step):
        part = rows[first : first + step]
        with conn:
            for r in part:
                if r[2] not in ids:
                    if same_writes:
                        keys = match_keys(r[3], r[4])
                        cur = conn.execute(
                            "INSERT INTO child (nhs_number, family_name, given_name, name_key, "
                            "date_of_birth, sex, postcode, created_at, created_by, row_version, "
                            "given_key, family_sdx, given_sdx) VALUES (?,?,?,?,?,?,?,?,?,1,?,?,?)",
                            (r[2], r[3], r[4], keys[0], r[5], r[6], r[7], now, "bench", *keys[1:]),
                        )
                    else:
                        cur = conn.execute(
                            "INSERT INTO child (nhs_number, family_name, given_name, name_key, "
                            "date_of_birth, sex, postcode, created_at, created_by, row_version) "
                            "VALUES (?,?,?,?,?,?,?,?,?,1)",
                            (r[2], r[3], r[4], r[3].lower(), r[5], r[6], r[7], now, "bench"),
                        )
                    ids[r[2]] = cur.lastrowid
            conn.executemany(
                "INSERT INTO presentation (child_id, seen_at, setting, organisation, complaint, "
                "findings, outcome, source, source_id, created_at, created_by, row_version) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,1)",
                [
                    (
                        ids[r[2]],
                        r[8].replace("T", " ") + ":00.000000"
                        if same_writes
                        else r[8].replace("T", " "),
                        r[9],
                        r[10],
                        r[11],
                        findings,
                        r[13],
                        r[0],
                        r[1],
                        now,
                        "bench",
                    )
                    for r in part
                ],
            )
    elapsed = time.perf_counter() - start
    conn.close()
    return len(rows) / elapsed


@cache
def match_keys(family, given):
    """The child's name key and record-matching keys, as the app stores them."""
    return (name_key(family), *match_columns(family, given).values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--presentations", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1_000)
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="history: time each lookup this many times (interleaved) and keep its best",
    )
    parser.add_argument("--import-rows", type=int, default=200_000)
    parser.add_argument(
        "--import-rounds",
        type=int,
        default=5,
        help="import: the app and raw executemany each this many times, in turns; the median "
        "of the rounds' ratios judged",
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-store.md"))
    parser.add_argument("--json", help="also write the figures as JSON here (for scripts/bench)")
    args = parser.parse_args()
    protocol = Engine.load()
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    db = work / "scale.sqlite3"
    key = secrets.token_bytes(32)  # encrypted, as every data folder the app makes
    ctx = open_store(
        f"sqlite:///{db}",
        user="bench",
        clock=lambda: NOW,
        protocol=protocol,
        key=key,
        database_file=db,
    )
    start = time.perf_counter()
    synthetic.generate(ctx, args.children, args.presentations, seed=1)
    generate_s = time.perf_counter() - start
    # The store is built as `demo generate` builds it, a command of its own: the lookups then
    # start on a connection opened after the build, as the floors' connection is. (The
    # connection that wrote the million rows, kept on, made every later read on it slower.)
    ctx.close()

    raw = keyed_connection(db, key)  # the floors' connection: same file, same key, kept open
    # The information-only floor (each SELECT in its own implicit transaction) reads on a
    # connection of its own. On the floors' connection it was a third reader there against
    # the app connection's two (the use-case and the repository read), so the SELECT-only
    # floor found its page cache dropped by the other connection's write less often than the
    # repository read did (see timed_interleaved): each kept connection now has one reader
    # and one writer timed, and a foreign write before each read is equally likely.
    raw_info = keyed_connection(db, key)
    rng = random.Random(5)
    kids = raw.execute(
        "SELECT nhs_number, family_name, given_name, date_of_birth FROM child "
        "WHERE nhs_number IS NOT NULL"
    ).fetchall()
    sample = rng.sample(kids, min(args.lookups, len(kids)))
    numbers = [k[0] for k in sample]

    def repo_history(nhs):
        # The read the use-case calls (history_by_nhs_number), its own read transaction
        # included: store.history_read, on the kept connection outside the ORM session.
        return history_read.history_by_nhs_number(ctx.engine, nhs)

    results = []
    svc, repo, sql, same_work, sql_autocommit, sql_connecting = timed_interleaved(
        [
            lambda n: history.history_by_nhs_number(ctx, n),
            repo_history,
            lambda n: raw_history_in_transaction(raw, n),
            lambda n: raw_same_work(raw, n),
            lambda n: raw_history(raw_info, n),
            lambda n: raw_history_connecting(db, key, n),
        ],
        numbers,
        repeats=args.repeats,
    )
    results.append(
        (
            "history by NHS number: use-case (incl. possible matches, audit event, commit, "
            "engine flags), x same-work SQL",
            svc,
            same_work,
            "median <= 5x same-work SQL (issue 15)",
            svc[0] <= 5 * same_work[0],
        )
    )
    results.append(  # issue 3's absolute target, on its own row (it was once one cell)
        (
            "history by NHS number: the same use-case's p99 (issue 3), x same-work SQL",
            svc,
            same_work,
            "p99 <= 10 ms (issue 3)",
            svc[1] <= 10,
        )
    )
    results.append(
        (
            "history by NHS number: the same use-case, x SELECT-only SQL (information)",
            svc,
            sql,
            "",
            None,
        )
    )
    results.append(
        (
            "history by NHS number: repository read only (store.history_read, as the use-case "
            "calls it, its read transaction included), x SELECT-only SQL",
            repo,
            sql,
            "median <= 3x SQL",
            repo[0] <= 3 * sql[0],
        )
    )
    results.append(
        (
            "history by NHS number: hand-written same work (SELECTs, candidate search and "
            "scoring, audit event, commit; sqlcipher3)",
            same_work,
            same_work,
            "",
            None,
        )
    )
    results.append(
        (
            "history by NHS number: hand-written SELECTs only, in one read transaction "
            "(sqlcipher3)",
            sql,
            sql,
            "",
            None,
        )
    )
    results.append(
        (
            "history by NHS number: the same SELECTs, each in its own implicit transaction "
            "(the earlier floor), x SELECT-only SQL",
            sql_autocommit,
            sql,
            "",
            None,
        )
    )
    results.append(
        (
            "history by NHS number: hand-written SELECTs, own keyed connection per lookup "
            "(as the app before issue 15), x SELECT-only SQL",
            sql_connecting,
            sql,
            "",
            None,
        )
    )

    names = [
        (f"{k[1].upper()}, {k[2]}", k[1], k[2], datetime.fromisoformat(k[3]).date()) for k in sample
    ]
    svc = timed(lambda t: matching.find_matches(ctx, t[0], t[3]), names)
    sql = timed(lambda t: raw_matches(raw, t[1], t[2], t[3]), names)
    results.append(
        (
            "name + date of birth: use-case (incl. scoring, audit event)",
            svc,
            sql,
            "p99 <= 50 ms",
            svc[1] <= 50,
        )
    )
    results.append(("name + date of birth: hand-written SQL + same scoring", sql, sql, "", None))
    raw.close()
    raw_info.close()
    ctx.close()

    csv_path = work / "import.csv"
    write_import_csv(csv_path, args.import_rows)
    # The app and its floors, each into a new file, in turns (app, floor, one-transaction
    # floor, app, ...): one import each, one after the other, was at the mercy of the shared
    # machine's speed in each half (the ratio moved from 0.71x to 0.85x between runs of the
    # same code).
    app_rates, raw_rates, one_rates = [], [], []  # one: the floor in one transaction
    for round_ in range(args.import_rounds):
        target = open_store(
            f"sqlite:///{work / f'import-{round_}.sqlite3'}",
            user="bench",
            clock=lambda: NOW,
            protocol=protocol,
        )
        start = time.perf_counter()
        summary = import_presentations(target, csv_path)
        app_rates.append(summary.imported / (time.perf_counter() - start))
        target.close()
        for rates, batch, name in (
            (raw_rates, BATCH, f"raw-{round_}.sqlite3"),
            (one_rates, None, f"raw-one-{round_}.sqlite3"),
        ):
            open_store(f"sqlite:///{work / name}", user="bench", protocol=protocol).close()
            rates.append(raw_import(work / name, csv_path, same_writes=True, batch=batch))
    # Judged on the median of each round's own ratio: the app and its floor run one after the
    # other within a round, so a slow spell of the shared machine that spans a round weighs
    # on both; the rates shown are each one's median round.
    ratios = sorted(a / r for a, r in zip(app_rates, raw_rates, strict=True))
    ratio = statistics.median(ratios)
    app_rate, raw_rate, one_rate = (
        statistics.median(app_rates),
        statistics.median(raw_rates),
        statistics.median(one_rates),
    )
    open_store(
        f"sqlite:///{work / 'raw-before-15i.sqlite3'}", user="bench", protocol=protocol
    ).close()
    old_rate = raw_import(work / "raw-before-15i.sqlite3", csv_path, same_writes=False)

    lines = [
        "# Record-store benchmark",
        "",
        f"Machine: {platform.machine()}, CPython {platform.python_version()}, "
        f"{platform.system()}, SQLite {sqlite3.sqlite_version}. Database: {args.children:,} "
        f"children, {args.presentations:,} presentations (generated in {generate_s:.1f} s). "
        f"Lookups: {len(numbers)} random children each, after 20 warm-up lookups (history: each "
        f"lookup timed {args.repeats} times, interleaved, its best kept). Load average "
        f"at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}. The database is "
        "encrypted (SQLCipher, raw key) as the app keeps it; every floor is hand-written SQL in "
        "sqlcipher3 on the same file with the same key, on a connection kept open, timed "
        "interleaved with the app lookup by lookup. The SELECT-only floor reads what the "
        "repository reads (child, same-child links, household, presentations, latest "
        "urgencies) in one read transaction; the same-work floor also runs what the use-case must (candidate search "
        "and scoring, the candidates' presentations, the hash-chained audit event, the commit, "
        "in one BEGIN IMMEDIATE transaction). The use-case's 5x is judged on the same-work "
        "floor.",
        "",
        "| measurement | p50 (ms) | p99 (ms) | p50 vs its floor | target | result |",
        "|---|---|---|---|---|---|",
    ]
    for name, (p50, p99), (s50, _), target_text, met in results:
        verdict = "" if met is None else ("met" if met else "NOT met")
        lines.append(
            f"| {name} | {p50:.2f} | {p99:.2f} | {p50 / s50:.1f}x | {target_text} | {verdict} |"
        )
    lines += [
        "",
        "| import | rows | rows/s | vs raw executemany | target | result |",
        "|---|---|---|---|---|---|",
        f"| `import presentations` (validate every row, skip duplicates, children, executemany, batches of {BATCH:,}) "
        f"| {summary.imported:,} | {app_rate:,.0f} | {ratio:.2f}x | >= 50,000 rows/s and >= 0.8x raw "
        f"| >= 0.8x raw: {'met' if ratio >= 0.8 else 'NOT met'}; >= 50,000 rows/s "
        f"(issue 3, a plain file): {'met' if app_rate >= 50_000 else 'NOT met'} |",
        f"| raw sqlite3.executemany of the same rows (no validation; same stored values, "
        f"connection set up as the app's, a commit after each batch of {BATCH:,} as the app's) "
        f"| {summary.imported:,} | {raw_rate:,.0f} | 1.00x | | |",
        f"| the same raw floor in one transaction (the floor judged until this session) "
        f"| {summary.imported:,} | {one_rate:,.0f} | app {app_rate / one_rate:.2f}x of it | | |",
        f"| raw floor as before issue 15i (matching keys left empty, default page cache, "
        f"foreign keys off) | {summary.imported:,} | {old_rate:,.0f} "
        f"| app {app_rate / old_rate:.2f}x of it | | |",
        "",
        f"Import rounds (app, raw, raw in one transaction, in turns; above: each one's median "
        f"round, and the median of the rounds' own ratios app/raw, "
        f"{', '.join(f'{r:.2f}' for r in ratios)}): app "
        f"{', '.join(f'{r:,.0f}' for r in app_rates)} rows/s; raw "
        f"{', '.join(f'{r:,.0f}' for r in raw_rates)} rows/s; raw in one transaction "
        f"{', '.join(f'{r:,.0f}' for r in one_rates)} rows/s.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.out).write_text(text, encoding="utf-8")
    if args.json:
        write_json(args, results, summary.imported, app_rate, raw_rate, ratio, generate_s)


def write_json(args, results, imported, app_rate, raw_rate, ratio, generate_s):
    rows = []
    for name, (p50, p99), (s50, s99), target_text, met in results:
        if met is None:
            continue  # the floors and the repository-only read are context, not targets
        if "name" in name:
            floor = "hand-written SQL (sqlcipher3, same file) + same scoring"
        elif "same-work" in name:
            floor = "hand-written same work: SELECTs, candidate search, audit event, commit"
        else:
            floor = "hand-written SELECTs (sqlcipher3, same encrypted file, kept connection)"
        rows.append(
            {
                "name": f"Store, {args.presentations:,} presentations: {name}",
                "unit": "ms",
                "median": p50,
                "p99": p99,
                "floor": floor,
                "floor_median": s50,
                "floor_p99": s99,
                "ratio": p50 / s50,
                "target": target_text,
                "met": met,
            }
        )
    name = f"Import: `import presentations`, {imported:,} rows (batches of {BATCH:,})"
    for suffix, target, met in (  # each issue's target on its own row
        ("", ">= 0.8x raw (issue 15; the median round's ratio)", ratio >= 0.8),
        (", rate (issue 3)", ">= 50,000 rows/s (issue 3)", app_rate >= 50_000),
    ):
        rows.append(
            {
                "name": name + suffix,
                "unit": "rows/s",
                "median": app_rate,
                "p99": None,
                "floor": "raw sqlite3.executemany of the same rows (same stored values, "
                f"a commit every {BATCH:,} rows as the app's)",
                "floor_median": raw_rate,
                "floor_p99": None,
                "ratio": ratio,
                "target": target,
                "met": met,
            }
        )
    data = {"rows": rows, "lookups": args.lookups, "generate_s": generate_s}
    Path(args.json).write_text(json.dumps(data), encoding="utf-8")


if __name__ == "__main__":
    main()
