"""File names in a data folder, importable before the store loads (no third-party imports)."""

KEYFILE_NAME = "keys.json"
