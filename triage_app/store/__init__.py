"""Persistence (SQLAlchemy 2). Arrives with the local record store issue; empty until then."""
