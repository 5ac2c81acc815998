"""The printable fallback card: the local protocol on one page, for when the app is down.

Generated from the same profile the engine uses, so the paper copy never drifts from the app.
Print it (``triage-app fallback --profile ID``) and keep it where injuries are seen.
"""

from __future__ import annotations

from datetime import date

from triage_app.domain.display import nhs_date
from triage_app.domain.profile import AWAITING_SIGN_OFF, Profile
from triage_app.domain.vocab import ExceptionType

_MILESTONES = {
    "rolls": "roll",
    "crawls": "crawl",
    "bottom_shuffles": "bottom-shuffle",
    "pulls_to_stand": "pull to stand",
    "cruises": "cruise",
    "walks": "walk",
}


def fallback_card(profile: Profile, printed_on: date) -> str:
    """Return the one-page protocol card for a profile as plain text."""
    floor = profile.age_floor_months
    names = [_MILESTONES[m] for m in profile.milestones_that_end_nim]
    mobile = ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]
    lines = [
        "INJURIES IN CHILDREN WHO ARE NOT INDEPENDENTLY MOBILE: PAPER FALLBACK",
        f"{profile.partnership_name}",
        f"Profile {profile.id} {profile.version}; review by {nhs_date(profile.review_date)}; "
        f"printed {nhs_date(printed_on)}.",
        "",
        "WHO IS NOT INDEPENDENTLY MOBILE (NIM)",
    ]
    if floor:
        lines.append(f"- Every child under {floor} months, whatever they can do.")
    lines.append(f"- Any child who cannot yet {mobile}.")
    if not profile.rolling_counts_as_mobile:
        lines.append("- Rolling alone does NOT make a baby mobile.")
    if profile.disability_override:
        lines.append("- A child of any age who is not mobile because of disability or delay.")
    lines.append("- If you do not know, treat the child as NIM.")
    lines += [
        "",
        "ANY INJURY IN A NIM CHILD (bruise, mark, petechiae, bleeding, blood in the white of the",
        "eye, torn frenulum, burn, scald, bite, cut, graze, swelling, suspected fracture):",
        "WHATEVER THE EXPLANATION, the protocol requires you to:",
        "1. Emergency signs? Call 999 / emergency care first, and tell children's social care",
        "   where the child is.",
        f"2. Phone children's social care {profile.phone_referral_due}: "
        f"{_contact(profile, 'csc_front_door')}",
        f"   Out of hours: {_contact(profile, 'out_of_hours')}",
        "   Record the time, call handler, reference and advice.",
        f"3. Paediatric child-protection assessment: {profile.paediatric_assessment_due}. "
        "Ask children's social care",
        f"   to arrange it and contact {_contact(profile, 'on_call_paediatrician')}.",
        f"4. Written referral ({profile.referral_form}): {profile.written_referral_due()}.",
        "5. Body map of every finding; the explanation word for word, who gave it and when.",
        "6. Tell the parents this is standard procedure; give the leaflet",
        f'   "{profile.leaflet_title}" unless telling them could increase the risk to the child',
        "   (record why).",
        "7. Record the other children in the household; check CP-IS (no flag is not reassurance).",
        "8. Confirm the child attended the paediatric assessment.",
        "",
        "EXCEPTIONS: only a birthmark, birth injury or procedure mark that a registered health",
        "professional documented BEFORE today, and that matches, is exempt. Not documented or not",
        "sure: same-day review by a GP or paediatrician; if not excluded, refer as above.",
        *_birth_injury_lines(profile),
        "",
        "SKELETAL SURVEY: not complete, and never 'normal', until the follow-up at day "
        f"{profile.follow_up_skeletal_survey_days[0]}-{profile.follow_up_skeletal_survey_days[1]}",
        "is reported. Supervision conditions are agreed at the strategy meeting.",
        f"Immediate danger: {_contact(profile, 'police')}",
    ]
    if profile.status != "signed_off":
        lines += ["", f"This profile is {AWAITING_SIGN_OFF}."]
    return "\n".join(lines) + "\n"


def _birth_injury_lines(profile: Profile) -> list[str]:
    """The birth-injury age limit: past it, a mark said to date from birth is referred."""
    rule = profile.exceptions.get(ExceptionType.BIRTH_INJURY)
    limits = sorted(set(rule.max_age_days.values())) if rule and rule.allowed else []
    if not limits:
        return ["A birth injury is never accepted as an exception in this profile: refer."]
    days = f"{limits[-1]}" if len(limits) == 1 else f"{limits[0]} to {limits[-1]}"
    return [f"A birth injury only up to {days} days of age; older, or persisting: refer as above."]


def _contact(profile: Profile, key: str) -> str:
    contact = profile.contact(key)
    return contact.line() if contact else f"(number {AWAITING_SIGN_OFF})"
