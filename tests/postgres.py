"""A throwaway PostgreSQL cluster on 127.0.0.1, shared by the integration and end-to-end suites."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = "install PostgreSQL (Debian: apt-get install postgresql) or set TEST_POSTGRES_URL"


def pg_binary(name: str) -> str | None:
    """Return the path of a PostgreSQL server binary (on PATH or under /usr/lib/postgresql)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def as_postgres_user(argv: list[str]) -> list[str]:
    """Return `argv` run as the postgres account when we are root."""
    # initdb refuses to run as root, so root hands the cluster to the postgres account.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def cluster_dir() -> Path:
    """Return a new directory the postgres account can write a cluster into."""
    # Under the system temp dir (not pytest's root-only tmp_path) so the postgres user can reach it.
    base = Path(tempfile.mkdtemp(prefix="whiteboard-pg-", dir=tempfile.gettempdir()))
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres", group="postgres")
    return base


def start_cluster(initdb: str, pg_ctl: str, base: Path) -> int:
    """Create and start a cluster under `base` on a free port; return the port."""
    data, port = base / "data", free_port()
    subprocess.run(
        as_postgres_user([initdb, "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    )
    # -l sends the server's output to a file: otherwise it would hold our pipe open forever.
    start = [pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-w", "-o", options, "start"]
    subprocess.run(as_postgres_user(start), check=True, capture_output=True)
    return port


def stop_cluster(pg_ctl: str, base: Path) -> None:
    """Stop the cluster under `base` at once and remove its files."""
    stop = [pg_ctl, "-D", str(base / "data"), "-m", "immediate", "stop"]
    subprocess.run(as_postgres_user(stop), check=False, capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


@contextmanager
def throwaway_server(missing: Callable[[], None]) -> Iterator[str]:
    """Yield a superuser URL of a new cluster on 127.0.0.1; stop and remove it afterwards.

    `missing` is called (it skips, or fails under --require postgres) when the binaries are absent.
    """
    initdb, pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        missing()
    assert initdb is not None
    assert pg_ctl is not None
    base = cluster_dir()
    try:
        port = start_cluster(initdb, pg_ctl, base)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop_cluster(pg_ctl, base)
