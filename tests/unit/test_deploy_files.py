"""The deploy files hold together without Docker: compose.yaml is a valid Compose file and every
file, command and port it or the Dockerfile names exists in this repository.

Docker is missing on the test machines (its daemon cannot pull images here), so the topology
itself runs without containers in tests/e2e/test_replicas.py; these checks catch the mistakes a
`docker compose up` would have caught first: a key Compose does not know, a mounted file that was
renamed, a migration job the replicas do not wait for, a health check on the wrong path.

The schema is the Compose Specification's own, copied from compose-spec/compose-spec
(schema/compose-spec.json at 170098ba07d9f53c383a41bfd4c5166b0a4529a6, 2026-06-23, Apache-2.0).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "fixtures" / "compose-spec.json"


def _validator() -> jsonschema.Draft7Validator:
    # The schema names draft-07 by an https URL jsonschema does not map to a draft on its own.
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    """The Dockerfile's instructions, one string each, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def test_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    _validator().validate(compose)


def test_schema_check_refuses_a_key_compose_does_not_know(compose: dict[str, Any]) -> None:
    # The check above is only worth having if the schema bites: a misspelt service key must fail.
    broken = json.loads(json.dumps(compose))
    broken["services"]["app"]["healthchek"] = broken["services"]["app"].pop("healthcheck")
    with pytest.raises(jsonschema.ValidationError, match="healthchek"):
        _validator().validate(broken)


def test_migrations_run_once_before_any_replica(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["python", "-m", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    waits = services["app"]["depends_on"]["migrate"]["condition"]
    assert waits == "service_completed_successfully"
    # `python -m db upgrade` is a real subcommand of the database CLI.
    assert '"upgrade"' in (ROOT / "cli" / "db.py").read_text(encoding="utf-8")


def test_only_the_proxy_is_published_and_it_waits_for_healthy_replicas(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"proxy"}
    assert services["app"]["deploy"]["replicas"] >= 2
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"
    health = " ".join(services["app"]["healthcheck"]["test"])
    assert "/_stcore/health" in health


def test_every_file_the_proxy_mounts_exists(compose: dict[str, Any]) -> None:
    for volume in compose["services"]["proxy"]["volumes"]:
        source, _target, mode = volume.split(":")
        assert (ROOT / source).is_file(), source
        assert mode == "ro"


def test_the_replicas_share_one_database_url_and_no_disk(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    assert app["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert app["environment"] == compose["services"]["migrate"]["environment"]
    assert "volumes" not in app  # nothing that matters lives on a replica's disk


def test_image_is_slim_python_with_graphviz_running_as_a_non_root_user(
    dockerfile: list[str],
) -> None:
    assert re.fullmatch(r"FROM python:3\.1[1-9]-slim", dockerfile[0])
    installs = next(line for line in dockerfile if "apt-get install" in line)
    assert "graphviz" in installs.split()
    users = [line.split()[1] for line in dockerfile if line.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_image_installs_the_pinned_requirements_and_serves_app_py(dockerfile: list[str]) -> None:
    copied = [line.split()[1] for line in dockerfile if line.startswith("COPY ")]
    assert "requirements.txt" in copied
    assert (ROOT / "requirements.txt").is_file()
    command = next(line for line in dockerfile if line.startswith("CMD "))
    argv = json.loads(command.removeprefix("CMD "))
    assert argv[:3] == ["streamlit", "run", "app.py"]
    assert argv[argv.index("--server.port") + 1] == "8501"
    health = next(line for line in dockerfile if line.startswith("HEALTHCHECK "))
    assert "http://127.0.0.1:8501/_stcore/health" in shlex.split(health)


def test_build_context_leaves_out_local_state(dockerfile: list[str]) -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    # `COPY . .` must not ship a developer's venv, database, git history or secrets.
    assert "COPY . ." in dockerfile
    assert {".git", ".venv", "data", ".streamlit/secrets.toml"} <= ignored
