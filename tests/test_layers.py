"""The library below the screen never loads Textual (STYLE.md: one-way flow)."""

from __future__ import annotations

import subprocess
import sys

CORE = ["reader.model", "reader.parse", "reader.yamldata", "reader.index", "reader.query", "reader.links", "reader.config", "reader.render", "reader.cli"]


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in CORE)
        + "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_app_module_does_load_textual() -> None:
    # The check above can fail: importing the app really does pull Textual in.
    code = "import sys, reader.app\nprint('textual' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
