"""``triage-app import presentations FILE --map MAPPING.toml [--dry-run]`` (docs/import-format.md).

The mapping is loaded and checked before the record is opened: a malformed mapping prints
the file, the key and the reason for every problem and exits 2 with nothing opened or stored.
``--dry-run`` runs the whole import and rolls it back, printing what would be imported,
mapped to findings, flagged ``possible injury: review`` and rejected (counts and first rows).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from triage_app.cli_common import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK


def find_mapping(name: str) -> Any:
    """A mapping file by path, or a shipped mapping by its name (``ecds-ed``)."""
    from triage_app.services.import_mapped import shipped_mappings

    path = Path(name)
    if path.is_file():
        return path
    for file_name, found in shipped_mappings():
        if file_name in (name, f"{name}.toml"):
            return found
    return None


def prepare(args: argparse.Namespace, err: TextIO) -> bool:
    """Load ``--map`` into ``args.mapping``; print every problem and return False if it fails."""
    from triage_app.services.import_mapped import MappingError, load_mapping, shipped_mappings

    found = find_mapping(args.map)
    if found is None:
        names = ", ".join(n.removesuffix(".toml") for n, _ in shipped_mappings())
        print(f"--map: {args.map}: no such file (shipped mappings: {names})", file=err)
        return False
    try:
        args.mapping = load_mapping(found, str(args.map) if Path(args.map).is_file() else None)
    except MappingError as exc:
        for line in str(exc).splitlines():
            print(line, file=err)
        print("mapping refused; nothing was imported", file=err)
        return False
    if not Path(args.file).is_file():
        print(f"{args.file}: file not found", file=err)
        return False
    return True


def run_mapped(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Import (or preview) the file through ``args.mapping``; print the summary."""
    from triage_app.domain.errors import InputError
    from triage_app.services.import_mapped import import_mapped

    try:
        summary = import_mapped(ctx, Path(args.file), args.mapping, dry_run=args.dry_run)
    except InputError as exc:
        for p in exc.problems:
            print(str(p), file=err)
        print("nothing was imported", file=err)
        return EXIT_BAD_INPUT
    out.write("\n".join(summary.lines()) + "\n")
    return EXIT_CHECK_FAILED if summary.rejected else EXIT_OK
