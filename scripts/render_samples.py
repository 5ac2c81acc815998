"""Write sample referral records, the leaflet and the FHIR bundle, to look at by eye.

    python scripts/render_samples.py [FOLDER] [--png]

FOLDER defaults to ./samples. The folder gets its own ``.gitignore`` (``*``) so that no
sample PDF or PNG is ever committed. With ``--png``, every page is also rendered with
``pdftoppm -r 60 -png`` (Debian ``poppler-utils``) for a quick look.

All data are synthetic; NHS numbers are in the never-issued 999 range.
"""

import argparse
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage_app.domain.profile import ProfileRegistry  # noqa: E402
from triage_app.report.fhir import referral_bundle_json  # noqa: E402
from triage_app.report.leaflet import build_leaflet_pdf  # noqa: E402
from triage_app.report.referral_pdf import build_referral_pdf  # noqa: E402
from triage_app.report.samples import sample_record  # noqa: E402

RECORDS = {
    "record-latin-20": {"names": "latin", "prior": 20},
    "record-arabic-20": {"names": "arabic", "prior": 20},
    "record-chinese-20": {"names": "chinese", "prior": 20},
    "record-latin-200": {"names": "latin", "prior": 200},
    "record-hostile": {"names": "latin", "prior": 3, "hostile": True},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="samples")
    parser.add_argument("--png", action="store_true", help="also render pages with pdftoppm")
    args = parser.parse_args()
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / ".gitignore").write_text("*\n", encoding="utf-8")

    written = []
    for name, options in RECORDS.items():
        path = out / f"{name}.pdf"
        path.write_bytes(build_referral_pdf(sample_record(**options)))
        written.append(path)
    profiles = ProfileRegistry.load()
    for pid in profiles.ids():
        path = out / f"leaflet-{pid}.pdf"
        path.write_bytes(
            build_leaflet_pdf(profiles.get(pid), "Zofia Łukasik", on_date=date(2025, 1, 6))
        )
        written.append(path)
    bundle = out / "record-latin-20.fhir.json"
    bundle.write_text(referral_bundle_json(sample_record(prior=20)), encoding="utf-8")
    written.append(bundle)

    if args.png:
        if shutil.which("pdftoppm") is None:
            print("pdftoppm not found: apt-get install -y poppler-utils", file=sys.stderr)
            return 1
        for path in written:
            if path.suffix == ".pdf":
                subprocess.run(
                    ["pdftoppm", "-r", "60", "-png", str(path), str(path.with_suffix(""))],
                    check=True,
                )
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
