"""The old in-memory record, kept ONLY for tests/ui/test_case_view.py until issue 10 moves
that file onto the real services. Nothing in the product imports it (tests/ui/test_real_store
checks), and no other test may use it: it re-implements the case rules with other numbers.
"""
