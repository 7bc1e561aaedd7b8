"""Where reader keeps its files, and the user's TOML config.

Paths come from platformdirs, which honours XDG_CONFIG_HOME,
XDG_CACHE_HOME and XDG_DATA_HOME on Linux. A bad config value is named in
one line and its default used; reader still starts.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP = "reader"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def seeds_dir() -> Path:
    """The sample articles: beside the package in a checkout, inside it when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return here.parent / "seeds"


@dataclass
class Config:
    library: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(key):
            return number
    return None


def load_config(path: Path | None = None) -> Config:
    """Read the config file; missing is fine, broken is reported and ignored."""
    path = path or config_path()
    config = Config(path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return config
    except OSError as exc:
        config.problems.append(f"{path}: cannot be read ({exc.strerror or exc}); using defaults")
        return config
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        config.problems.append(f"{path}: not UTF-8 text; using defaults")
        return config
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{path}: {exc}; using defaults")
        return config
    library = data.get("library")
    if library is not None:
        if isinstance(library, str):
            library = [library]
        if isinstance(library, list) and all(isinstance(p, str) for p in library):
            base = path.parent
            config.library = [base / Path(os.path.expanduser(p)) for p in library]
        else:
            line = _line_of(text, "library")
            where = f"{path}:{line}" if line else str(path)
            config.problems.append(f"{where}: 'library' must be a path or a list of paths; ignored")
    return config
