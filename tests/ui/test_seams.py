import threading

from triage_app.ui.seams import ImmediateExecutor, ThreadPoolExecutor


def test_the_thread_pool_runs_work_away_from_the_window_and_reports_back_on_it(qtbot):
    gui = threading.get_ident()
    seen = {}

    def work(control):
        seen["work_thread"] = threading.get_ident()
        for i in range(3):
            control.progress(i + 1, 3)
        return 42

    progress = []
    ThreadPoolExecutor().submit(
        work,
        lambda result: seen.update(result=result, done_thread=threading.get_ident()),
        lambda exc: seen.update(error=exc),
        lambda done, total: progress.append((done, total, threading.get_ident())),
    )
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42
    assert seen["work_thread"] != gui and seen["done_thread"] == gui
    qtbot.waitUntil(lambda: len(progress) == 3, timeout=5000)
    assert {p[2] for p in progress} == {gui}


def test_errors_come_back_to_the_caller():
    errors = []
    ImmediateExecutor().submit(lambda c: 1 / 0, lambda r: None, errors.append)
    assert isinstance(errors[0], ZeroDivisionError)
