"""The engine stays pure: importing it must not pull in Django (STYLE.md, Business rules)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A fresh interpreter: in this one pytest plugins or other tests may have imported Django already.
PROBE = """
import json, sys
import bookingsite.availability.engine
print(json.dumps(sorted(name for name in sys.modules if name == "django" or name.startswith("django."))))
"""


def test_importing_the_engine_does_not_import_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert json.loads(result.stdout) == []
