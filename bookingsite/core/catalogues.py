"""Compile the committed translation catalogues (locale/<code>/LC_MESSAGES/django.po) into the .mo
files Django reads, with Babel: pure Python, so running needs no GNU gettext. `make install`, the
Procfile's processes and the tests call it; it skips a .mo newer than its .po.

    python -m bookingsite.core.catalogues
"""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write the .mo of every django.po that has none or an older one (fuzzy entries left out, as
    msgfmt does); return the files written."""
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parents[1].name)
        # Written aside, then renamed: a process reading the .mo (a parallel test run) never sees half of one.
        partial = mo.with_name(f"django.mo.{os.getpid()}")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        partial.replace(mo)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path}")
