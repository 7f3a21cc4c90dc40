"""Runs the ack-path benchmarks of issue F (ack latency, starvation, footprint), prints each figure beside its
goal and writes them to bench/RESULTS.md.

    python -m bench [--quick] [--with-digest] [--with-scale] [--results PATH]

--quick: smaller counts, a smoke run of a few minutes. --with-digest: also bench.digest_preview (minutes).
--with-scale: also bench.scale, the knowledge base at 70 / 10,000 / 100,000 entries and a 30,000-course catalogue
(about 15 minutes; --quick: 70 / 2,000 entries and 5,000 courses).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import ack_latency, footprint, starvation
from bench.report import RESULTS, Figure, machine, table, write_results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts: a smoke run")
    parser.add_argument("--with-digest", action="store_true", help="also run bench.digest_preview (takes minutes)")
    parser.add_argument("--with-scale", action="store_true", help="also run bench.scale (about 15 minutes)")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"default: {RESULTS}")
    args = parser.parse_args(argv)
    quick = args.quick
    print(f"machine: {machine()}\n")
    benchmarks: list[tuple[str, Callable[[], list[Figure]]]] = [
        ("Ack latency", lambda: ack_latency.run(50, 5 if quick else 40, 1 if quick else 3, 180.0)),
        ("Starvation", lambda: starvation.run(12, 40, 6.0)),
        ("Footprint", lambda: footprint.run(3 if quick else 5)),
    ]
    if args.with_scale:
        from bench import scale  # imports dxbot itself: only when asked for

        sizes = [70, 2_000] if quick else [70, 10_000, 100_000]
        benchmarks.append(("Knowledge at scale", lambda: scale.run(sizes, 5_000 if quick else 30_000)))
    sections = [(title, _guarded(title, benchmark)) for title, benchmark in benchmarks]
    appendix = _digest_preview(quick) if args.with_digest else ""
    for title, figures in sections:
        print(f"\n## {title}\n\n{table(figures)}")
    write_results(args.results, sections, quick, appendix)
    print(f"\nwritten to {args.results}")


def _guarded(title: str, benchmark: Callable[[], list[Figure]]) -> list[Figure]:
    """One benchmark failing still leaves the others' figures."""
    print(f"\n== {title}")
    try:
        return benchmark()
    except Exception as error:
        traceback.print_exc()
        return [Figure("did not finish", f"{type(error).__name__}: {error}"[:300], "finishes", False)]


class _Tee(io.StringIO):
    def write(self, text: str) -> int:
        sys.__stdout__.write(text)
        return super().write(text)


def _digest_preview(quick: bool) -> str:
    from bench import digest_preview  # imports dxbot itself: only when asked for

    print("\n== Digest preview")
    output = _Tee()
    with contextlib.redirect_stdout(output):
        digest_preview.main(["--completions", "100000"] if quick else [])
    return f"## Digest preview (`python -m bench.digest_preview`)\n\n```\n{output.getvalue()}```"


if __name__ == "__main__":
    main()
