"""Fuzz the parser for as long as you like, with the strategies of the tests.

    python bench/fuzz.py --minutes 5 [--seed 1] [--chunk 2000]

Runs the properties of tests/test_hostile_parse.py (any bytes, any text,
any YAML value in any field, hand-written YAML) round after round, each
round a fresh hypothesis run of ``--chunk`` inputs per target, until the
time is up. Every input must give an Article or a reported Problem, of the
declared types, within a few seconds (an alarm stops a hang). Prints how
many inputs each target ran and, for each failure, the error and the
shrunk input that reproduces it; exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_hostile_parse as hostile  # noqa: E402
from reader.parse import parse_bytes, parse_text  # noqa: E402

HANG_SECONDS = 10


def _keeps_the_article(text: str) -> None:
    article, problems = hostile.run(parse_text, text)
    assert article is not None, [p.format() for p in problems]


def _any(function: Callable[[Any, str], Any]) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        hostile.run(function, value)

    return check


def _any_path(pair: tuple[str, str]) -> None:
    text, path = pair
    hostile.run(parse_text, text, path)


TARGETS: dict[str, tuple[Callable[[Any], None], st.SearchStrategy[Any]]] = {
    "bytes": (_any(parse_bytes), st.binary(max_size=4000) | hostile.file_bytes),
    "text": (_any(parse_text), hostile.any_text),
    "values in every field": (_keeps_the_article, hostile.article_texts()),
    "hand-written yaml": (_any(parse_text), hostile.raw_article_texts()),
    "mangled files": (_any(parse_text), hostile.mangled_texts),
    "display paths": (_any_path, st.tuples(hostile.any_text, hostile.any_path)),
}


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang(f"one input took over {HANG_SECONDS} s")


def campaign(name: str, check: Callable[[Any], None], strategy: st.SearchStrategy[Any], examples: int, run_seed: int) -> tuple[int, str | None]:
    """One hypothesis run; the count of inputs tried and the failure, if any."""
    ran = [0]
    failing: list[Any] = []

    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def property_(value: Any) -> None:
        ran[0] += 1
        if hasattr(signal, "SIGALRM"):
            signal.alarm(HANG_SECONDS)
        try:
            check(value)
        except BaseException:
            failing.append(value)  # the last one is the shrunk input
            raise
        finally:
            if hasattr(signal, "SIGALRM"):
                signal.alarm(0)

    try:
        property_()
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        where = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        frames = traceback.extract_tb(exc.__traceback__)
        if frames:
            last = frames[-1]
            where += f"\n  at {Path(last.filename).name}:{last.lineno}: {last.line}"
        shown = repr(failing[-1]) if failing else "(not recorded)"
        return ran[0], f"{name}: {where}\n  input: {shown[:4000]}"
    return ran[0], None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--chunk", type=int, default=2000, help="inputs per target per round")
    parser.add_argument("--seed", type=int, default=None, help="first round's seed (default: random)")
    args = parser.parse_args(argv)

    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _alarm)
    started = time.monotonic()
    stop = started + args.minutes * 60
    seed = args.seed if args.seed is not None else int(time.time())
    counts = dict.fromkeys(TARGETS, 0)
    failures: list[str] = []
    rounds = 0
    while time.monotonic() < stop:
        rounds += 1
        for name, (check, strategy) in TARGETS.items():
            if time.monotonic() >= stop:
                break
            ran, failure = campaign(name, check, strategy, args.chunk, seed + rounds)
            counts[name] += ran
            if failure is not None:
                failures.append(failure)
                print(f"FAILED {failure}", flush=True)
        done = sum(counts.values())
        print(f"round {rounds}: {done} inputs in {(time.monotonic() - started) / 60:.1f} min, {len(failures)} failures", flush=True)

    minutes = (time.monotonic() - started) / 60
    print(f"\n{sum(counts.values())} inputs in {minutes:.1f} minutes ({rounds} rounds, first seed {seed}):")
    for name, count in counts.items():
        print(f"  {count:>9}  {name}")
    print(f"{len(failures)} failures")
    for failure in failures:
        print("\n" + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
