"""Suite-wide options: `--require NAME` turns a missing tool into a failure instead of a skip."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import settings

# A property test checks what a function returns, not how fast: Hypothesis's default 200 ms
# deadline per example failed a migration property once on a loaded CI machine. Tests that set
# their own `settings` keep them; this only changes the default.
settings.register_profile("whiteboard", deadline=None)
settings.load_profile("whiteboard")

REQUIRABLE = ("dot", "browser", "postgres", "nginx")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require",
        action="append",
        default=[],
        choices=REQUIRABLE,
        help="fail, rather than skip, the tests that need this tool when it is missing "
        "(repeatable; CI passes all four)",
    )


def need(config: pytest.Config, what: str, reason: str) -> None:
    """Skip the calling test because `what` is missing, or fail it when CI requires `what`."""
    if what in config.getoption("--require"):
        pytest.fail(f"{what} is required (--require {what}) but missing: {reason}", pytrace=False)
    pytest.skip(f"{what} missing: {reason}")


@pytest.fixture(scope="session")
def dot_binary(pytestconfig: pytest.Config) -> str:
    """Return the path of Graphviz's `dot`, skipping (or failing under --require dot) without it."""
    path = shutil.which("dot")
    if path is None:
        need(pytestconfig, "dot", "install Graphviz (Debian: apt-get install graphviz)")
    assert path is not None
    return path
