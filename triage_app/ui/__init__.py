"""The PySide6 desktop interface. Arrives with the desktop-app issue; empty until then."""
