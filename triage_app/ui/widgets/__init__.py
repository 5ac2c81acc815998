"""Reusable widgets and the screens' building blocks."""
