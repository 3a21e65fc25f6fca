"""`python -m bench [--write] [--load-seconds S] [--aiconfigurator-python P]`: calibration, timings,
database, load test, peers."""

from __future__ import annotations

import argparse
import sys

from bench import calibrate, comments, db, diagram, load, pages, peers, planner_timing, validation
from playbook.catalog import load_catalog


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks; exit 1 when a calibration target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--write", action="store_true", help="store the refitted factors in efficiency.json"
    )
    parser.add_argument(
        "--load-seconds", type=float, default=20.0,
        help="seconds each step of the load test runs (0 skips the load test)",
    )  # fmt: skip
    parser.add_argument(
        "--aiconfigurator-python",
        help="the python of a venv with aiconfigurator, to compare with it (bench/peers.py)",
    )
    parser.add_argument(
        "--llm-analysis-python", help="the python of a venv with llm-analysis (bench/peers.py)"
    )
    args = parser.parse_args(argv)
    catalog = load_catalog()
    met = calibrate.run(catalog, store=args.write)
    print()
    planner_timing.run(catalog)
    diagram.run()
    db.run()
    pages.run()
    comments.run()
    validation.run()
    print()
    peers.run(args.aiconfigurator_python, args.llm_analysis_python)
    if args.load_seconds > 0:
        print()
        load.run(args.load_seconds)
    if not met:
        print("calibration target missed (see above)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
