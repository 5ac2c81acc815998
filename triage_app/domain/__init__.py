"""The domain: the protocol engine and its data. No Qt, SQLAlchemy or ReportLab.

Plain Python throughout; the engine's hot modules may also run compiled (mypyc) when they
were built from exactly these sources (:mod:`triage_app.domain.compiled`).
"""

from triage_app.domain.compiled import use_compiled

use_compiled(__path__)
