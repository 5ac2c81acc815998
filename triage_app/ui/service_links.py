"""The UI's :class:`~triage_app.ui.ports.RecordLinks` over the record-matching services."""

from __future__ import annotations

from triage_app.domain.access import AccessDeniedError, Permission, allowed
from triage_app.domain.errors import InputError
from triage_app.domain.records import NotFoundError
from triage_app.services import links
from triage_app.services.context import StoreContext
from triage_app.ui.ports import NumberHeld, Refused
from triage_app.ui.service_common import child_view, problems_text
from triage_app.ui.viewmodels import ChildView, PossibleRecord


class ServiceRecordLinks:
    """Possible earlier records of a child; link and reject (safeguarding lead)."""

    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx

    def possible_records(self, child_id: str) -> list[PossibleRecord]:
        """Unlinked, unrejected records that may be this child, best first."""
        overview = self._overview(child_id)
        return [
            PossibleRecord(child_view(m.child), m.score, tuple(m.reasons), tuple(m.injuries))
            for m in overview.possible_matches
        ]

    def linked_records(self, child_id: str) -> list[ChildView]:
        """Records linked to this one as the same child."""
        return [child_view(c) for c in self._overview(child_id).linked]

    def link(self, child_id: str, other_id: str, reason: str) -> None:
        """Link two records as the same child (a safeguarding lead, with a reason)."""
        self._call(links.link_children, child_id, other_id, reason)

    def reject(self, child_id: str, other_id: str, reason: str) -> None:
        """Record that a possible match is not this child."""
        self._call(links.reject_match, child_id, other_id, reason)

    def may_link(self) -> bool:
        """True when the signed-in user may link records (a safeguarding lead)."""
        return allowed(self.ctx.role, Permission.LINK_RECORDS)

    def add_nhs_number(self, child_id: str, nhs_number: str) -> ChildView:
        """Add an NHS number to a record that has none (audited by the service)."""
        try:
            return child_view(links.add_nhs_number(self.ctx, int(child_id), nhs_number))
        except links.NumberHeldError as exc:
            raise NumberHeld(
                f"Record {exc.holder_id} already has this NHS number, so it was not added "
                f"to this record ({child_id}).",
                str(exc.holder_id),
            ) from exc
        except InputError as exc:
            raise Refused(problems_text(exc)) from exc
        except NotFoundError as exc:
            raise Refused("This child is not in the record.") from exc

    def _overview(self, child_id: str) -> links.ChildOverview:
        try:
            return links.show_child(self.ctx, int(child_id))
        except NotFoundError as exc:
            raise Refused("This child is not in the record.") from exc

    def _call(self, fn: object, child_id: str, other_id: str, reason: str) -> None:
        try:
            fn(self.ctx, int(child_id), int(other_id), reason)  # type: ignore[operator]
        except InputError as exc:
            raise Refused(problems_text(exc)) from exc
        except AccessDeniedError as exc:
            raise Refused(
                "Only a safeguarding lead can say whether two records are the same child."
            ) from exc
        except NotFoundError as exc:
            raise Refused("That record is not in the record store.") from exc
