"""The window's :class:`~triage_app.ui.ports.PresentationImporter` over the mapped-import service.

Runs on the executor's thread; turns a bad file or mapping into :class:`Refused` (the reasons,
in words) and a cancel into ``None``. Nothing here touches a widget.
"""

from __future__ import annotations

from pathlib import Path

from triage_app.domain.errors import InputError
from triage_app.domain.import_mapping import ImportMapping
from triage_app.services.context import StoreContext
from triage_app.services.import_mapped import (
    ImportCancelled,
    MappedImportSummary,
    MappingError,
    import_mapped,
    load_mapping,
    shipped_mappings,
)
from triage_app.ui.ports import Cancelled, Progress, Refused

BATCH = 1_000  # rows between progress reports and cancel checks in the window


class StoreImporter:
    """Preview and import extracts into the open record."""

    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx

    def mappings(self) -> list[tuple[str, str]]:
        """The shipped mappings as (title, file name)."""
        out = []
        for name, found in shipped_mappings():
            try:
                out.append((load_mapping(found, name).label(), name))
            except MappingError:
                out.append((f"{name} (cannot be loaded)", name))
        return out

    def _mapping(self, mapping: str) -> ImportMapping:
        for name, found in shipped_mappings():
            if name == mapping:
                return load_mapping(found, name)
        return load_mapping(Path(mapping))

    def _import(
        self, path: str, mapping: str, progress: Progress, cancelled: Cancelled, dry_run: bool
    ) -> MappedImportSummary | None:
        file = Path(path)
        if not file.is_file():
            raise Refused(f"{path}: file not found")
        try:
            chosen = self._mapping(mapping)
            return import_mapped(
                self.ctx,
                file,
                chosen,
                dry_run=dry_run,
                batch_size=BATCH,
                progress=progress,
                cancelled=cancelled,
            )
        except MappingError as exc:
            raise Refused(f"The mapping was refused:\n{exc}") from None
        except InputError as exc:
            raise Refused("Nothing was imported:\n" + "\n".join(map(str, exc.problems))) from None
        except ImportCancelled:
            return None

    def preview(
        self, path: str, mapping: str, progress: Progress, cancelled: Cancelled
    ) -> MappedImportSummary | None:
        """What the import would do; nothing stored."""
        return self._import(path, mapping, progress, cancelled, dry_run=True)

    def run(
        self, path: str, mapping: str, progress: Progress, cancelled: Cancelled
    ) -> MappedImportSummary | None:
        """Import, all or nothing."""
        return self._import(path, mapping, progress, cancelled, dry_run=False)
