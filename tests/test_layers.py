"""The library below the screen never loads Textual, and the layers of
STYLE.md's one-way flow hold (files -> parse -> store -> query -> screen):
the import-linter contracts in pyproject.toml, run by the test command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CORE = [
    "reader.model", "reader.parse", "reader.yamldata", "reader.store", "reader.query", "reader.links",
    "reader.config", "reader.render", "reader.state", "reader.view", "reader.watch", "reader.cli",
    "reader.pipe", "reader.clipboard", "reader.layout",
    "reader.fulltext.fetch", "reader.fulltext.bulk", "reader.fulltext.extract", "reader.fulltext.cache", "reader.fulltext.service",
]


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


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts (pyproject.toml) over the package in ``root``."""
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache", "--config", str(root / "pyproject.toml")],
        capture_output=True, text=True, cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def test_the_import_contracts_are_kept() -> None:
    out = lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_the_import_contracts_catch_a_broken_layer(tmp_path: Path) -> None:
    # The check above can fail: the store reaching up into the screen breaks the contracts.
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "reader", copy / "reader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    walk = copy / "reader" / "store" / "walk.py"
    walk.write_text(walk.read_text() + "\nfrom reader.screens import main  # noqa\n")
    out = lint_imports(copy)
    assert out.returncode != 0
    assert "The core never imports the app's modules BROKEN" in out.stdout, out.stdout
    assert "The core never imports Textual BROKEN" in out.stdout
