"""`python -m bench [--write]`: the calibration report and the planner timing."""

from __future__ import annotations

import argparse
import sys

from bench import calibrate, db, diagram, planner_timing
from playbook.catalog import load_catalog


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks; exit 1 when a calibration target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--write", action="store_true", help="store the refitted factors in efficiency.json"
    )
    args = parser.parse_args(argv)
    catalog = load_catalog()
    met = calibrate.run(catalog, store=args.write)
    print()
    planner_timing.run(catalog)
    diagram.run()
    db.run()
    if not met:
        print("calibration target missed (see above)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
