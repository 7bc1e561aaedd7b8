"""Time to first screen and peak RSS of the app, beside a minimal Textual app.

Each program runs in a real pseudo-terminal (120x40); the clock stops when
its first screen with content reaches the terminal (a marker in its output),
then `q` is sent and the peak RSS (VmHWM) is read.

    python bench/tui.py FOLDER [--runs 5] [--expect TEXT]

FOLDER should already be indexed (warm): run `reader list FOLDER --limit 0` once.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time

MINIMAL = r"""
from textual.app import App
from textual.widgets import Static, Footer

class Minimal(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Static("MINIMAL-READY")
        yield Footer()

Minimal().run()
"""


def _peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def first_screen(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 60.0) -> tuple[float, float]:
    """Seconds from start until ``marker`` is on the terminal, and peak RSS in MB."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    elapsed = None
    rss = 0.0
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen = (seen + chunk)[-200_000:]
                if elapsed is None and marker in seen:
                    elapsed = time.perf_counter() - started
                    time.sleep(0.5)  # let it settle, then read the high-water mark
                    rss = _peak_rss_mb(pid)
                    os.write(fd, b"q")
                    break
    finally:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
                if ready:
                    os.read(fd, 65536)
            except OSError:
                break
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    if elapsed is None:
        raise RuntimeError(f"{argv} never showed {marker!r}")
    return elapsed, rss


def measure(folder: str, runs: int, expect: str, env: dict[str, str]) -> dict[str, float]:
    env = dict(env, TERM="xterm-256color", COLUMNS="120", LINES="40")
    minimal = [first_screen([sys.executable, "-c", MINIMAL], b"MINIMAL-READY", env) for _ in range(runs)]
    app = [first_screen([sys.executable, "-m", "reader", folder], expect.encode(), env) for _ in range(runs)]
    return {
        "minimal_s": statistics.median(t for t, _ in minimal),
        "minimal_mb": max(m for _, m in minimal),
        "app_s": statistics.median(t for t, _ in app),
        "app_mb": max(m for _, m in app),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--expect", default=None, help="text that shows the list is on screen (default: the article count)")
    args = parser.parse_args()
    expect = args.expect
    if expect is None:
        from reader.store import Library

        library = Library([args.folder])
        library.refresh()
        expect = f"{library.article_count():,}"
        library.close()
    figures = measure(args.folder, args.runs, expect, dict(os.environ))
    print(f"first screen: reader {figures['app_s']:.3f} s, minimal Textual app {figures['minimal_s']:.3f} s "
          f"({figures['app_s'] / figures['minimal_s']:.2f}x); peak RSS reader {figures['app_mb']:.0f} MB, "
          f"minimal {figures['minimal_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
