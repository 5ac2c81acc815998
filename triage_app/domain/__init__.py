"""Pure-Python domain: the protocol engine and its data. No Qt, SQLAlchemy or ReportLab."""
