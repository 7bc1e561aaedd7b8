"""Make the README's screenshots from the sample articles.

    python screenshots/make.py

Each view runs the real app headless (Textual's run_test) on seeds/, with a
fixed clock so the ages do not change between runs, and saves an SVG here.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


async def settle(pilot) -> None:
    from textual.worker import WorkerCancelled

    for _ in range(3):
        await pilot.pause(0.1)
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # an exclusive worker replaced by a newer one
            pass
    await pilot.pause(0.3)


async def shoot(name: str, size: tuple[int, int], keys: list[str], cache: Path) -> None:
    from reader.app import make_app

    app = make_app([ROOT / "seeds"], cache_dir=cache, now=NOW)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        app.animation_level = "none"
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"screenshots/{name}.svg")


async def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        # Read marks go to a throwaway state file, not the user's.
        os.environ["XDG_DATA_HOME"] = str(cache / "data")
        await shoot("main", (120, 40), [], cache)
        # The topic list is one shift+tab away; Space is the ninth entry.
        await shoot("topic", (120, 40), ["shift+tab", "end", "up", "up", "up", "up", "enter"], cache)
        # The best article, read full screen, scrolled to its related links.
        await shoot("related", (120, 40), ["enter", "end"], cache)
        await shoot("help", (120, 40), ["question_mark"], cache)
        await shoot("narrow", (80, 24), ["j"], cache)
        # A wide terminal: the sidebar, the list and the article side by side.
        await shoot("wide", (180, 45), ["j"], cache)
        # Stories: the samples report the asteroid probe's arrival three times;
        # the list shows them as one row with "+2", then Enter lists them.
        keys = ["slash", *"asteroid", "enter"]
        await shoot("stories", (120, 30), keys, cache)
        await shoot("story", (120, 30), [*keys, "enter"], cache)


if __name__ == "__main__":
    asyncio.run(main())
