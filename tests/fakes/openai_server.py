"""A fake OpenAI-compatible HTTP server on 127.0.0.1, for tests of the LLM and embeddings paths.

It is a real HTTP server in a background thread (the code under test calls it synchronously through the
`openai` client), speaking just enough of the API:

- ``POST /v1/chat/completions`` (non-streaming): the reply text comes from ``chat_reply(messages)``;
- ``POST /v1/embeddings``: deterministic hashed bag-of-words vectors (similar texts, similar vectors),
  as floats or base64 float32 (the `openai` client asks for base64 by default);
- ``GET /v1/models``.

Behaviour is scriptable while it runs: ``mode`` ("ok", "timeout", "error_500") for the POST endpoints,
``fail_after(n)`` (500 for every embeddings request after the first n), ``block_event`` (requests wait until
the test sets it) and ``requests`` (what was received: method, path, headers, JSON body). An exception
raised by ``chat_reply`` is answered with a 500 and kept in ``errors``, for the test to re-raise.

    with FakeOpenAI(chat_reply=lambda messages: "Jawaban [1].") as server:
        settings = Settings(openai_base_url=server.base_url, ...)
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import numpy as np

CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"
MODELS_PATH = "/v1/models"

Mode = Literal["ok", "timeout", "error_500"]
ChatReply = Callable[[list[dict[str, Any]]], str]

_WORD = re.compile(r"\w+", re.UNICODE)
# How long a "timeout" request is held at most; stop() releases it at once.
_HOLD_SECONDS = 60.0


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any  # the parsed JSON body, or None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages") or [])

    def message(self, role: str) -> str:
        """The content of the first message with this role ("" if none)."""
        return next((str(m.get("content") or "") for m in self.messages if m.get("role") == role), "")


def default_chat_reply(messages: list[dict[str, Any]]) -> str:
    return "Jawaban uji dari server palsu [1]."


def hashed_embedding(text: str, dim: int) -> list[float]:
    """A unit vector of word-hash counts: texts sharing words point the same way. Stable across runs."""
    vector = np.zeros(dim, dtype=np.float64)
    for word in _WORD.findall(text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % dim
        sign = 1.0 if digest[4] & 1 else -1.0
        vector[index] += sign
    norm = float(np.linalg.norm(vector))
    if norm == 0.0:
        vector[0] = 1.0  # an empty text still gets a valid (unit) vector
        norm = 1.0
    return (vector / norm).tolist()


class FakeOpenAI:
    """The server; a context manager. ``base_url`` is ``http://127.0.0.1:PORT/v1``."""

    def __init__(
        self,
        chat_reply: ChatReply | None = None,
        *,
        embedding_dim: int = 256,
        model: str = "fake-model",
    ) -> None:
        self.embedding_dim = embedding_dim
        self.model = model
        self.chat_reply: ChatReply = chat_reply or default_chat_reply
        self.mode: Mode = "ok"
        self.block_event: threading.Event | None = None
        self.requests: list[RecordedRequest] = []
        # Exceptions raised by chat_reply (answered as 500): a failed assertion inside a scripted reply
        # must not pass unnoticed as "the model failed".
        self.errors: list[BaseException] = []
        self._fail_after: int | None = None
        self._fail_path = EMBEDDINGS_PATH
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._closing = threading.Event()
        self._released = threading.Event()  # replaced by reset(), which lets go of requests held before it
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._closing.clear()
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()  # releases held requests
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake OpenAI server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # --- scripting ----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to answering normally with the default reply, with an empty log (for shared servers)."""
        with self._lock:
            self._released.set()
            self._released = threading.Event()
            self.chat_reply = default_chat_reply
            self.mode = "ok"
            self.block_event = None
            self.requests.clear()
            self.errors.clear()
            self._fail_after = None
            self._served.clear()

    def fail_after(self, n: int, path: str = EMBEDDINGS_PATH) -> None:
        """Serve the next n requests to `path` normally, then answer 500 to every one after them."""
        with self._lock:
            self._fail_after = n
            self._fail_path = path
            self._served[path] = 0

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return self.requests_to(CHAT_PATH)

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        return self.requests_to(EMBEDDINGS_PATH)

    def wait_for_requests(self, count: int, path: str | None = None, timeout: float = 10.0) -> bool:
        """Wait until `count` requests (to `path`, if given) have arrived; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while sum(1 for r in self.requests if path is None or r.path == path) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._arrived.wait(remaining)
        return True

    # --- request handling (called from the server's threads) ----------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()

    def _hold(self, event: threading.Event) -> None:
        """Wait for `event`, a reset() or the server to stop, whichever comes first."""
        released = self._released
        deadline = time.monotonic() + _HOLD_SECONDS
        while time.monotonic() < deadline:
            if event.is_set() or released.is_set() or self._closing.is_set():
                return
            event.wait(0.05)

    def _should_fail(self, path: str) -> bool:
        with self._lock:
            if self._fail_after is None or path != self._fail_path:
                return False
            served = self._served.get(path, 0)
            self._served[path] = served + 1
            return served >= self._fail_after

    def handle(self, method: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        if method == "GET" and path == MODELS_PATH:
            return 200, self._models()
        if method != "POST" or path not in (CHAT_PATH, EMBEDDINGS_PATH):
            return 404, _error(f"Unknown request URL: {method} {path}", "invalid_request_error", "unknown_url")
        if not isinstance(body, dict):
            return 400, _error("The request body must be a JSON object.", "invalid_request_error", None)
        block = self.block_event
        if block is not None:
            self._hold(block)
        if self.mode == "timeout":
            self._hold(threading.Event())  # never set: held until the client gives up and the server stops
            return 504, _error("Timed out.", "server_error", "timeout")
        if self.mode == "error_500" or self._should_fail(path):
            return 500, _error("The server had an error while processing your request.", "server_error", None)
        if path == CHAT_PATH:
            try:
                return 200, self._chat(body)
            except Exception as exc:
                with self._lock:
                    self.errors.append(exc)
                return 500, _error(f"chat_reply raised {type(exc).__name__}: {exc}", "server_error", None)
        return self._embeddings(body)

    def _chat(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = list(body.get("messages") or [])
        content = self.chat_reply(messages)
        prompt_tokens = sum(len(_WORD.findall(str(m.get("content") or ""))) for m in messages)
        completion_tokens = len(_WORD.findall(content))
        return {
            "id": f"chatcmpl-fake{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _embeddings(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        raw = body.get("input")
        if isinstance(raw, str):
            texts = [raw]
        elif isinstance(raw, list) and raw and all(isinstance(t, str) for t in raw):
            texts = list(raw)
        elif isinstance(raw, list) and raw and all(isinstance(t, int) for t in raw):
            texts = [" ".join(map(str, raw))]  # one input given as token ids
        elif isinstance(raw, list) and raw and all(isinstance(t, list) for t in raw):
            texts = [" ".join(map(str, t)) for t in raw]
        else:
            return 400, _error("'input' must be a string or a non-empty array.", "invalid_request_error", None)
        dim = int(body.get("dimensions") or self.embedding_dim)
        as_base64 = body.get("encoding_format") == "base64"
        data = []
        for index, text in enumerate(texts):
            vector = hashed_embedding(text, dim)
            encoded: Any = base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode() if as_base64 else vector
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        tokens = sum(len(_WORD.findall(t)) for t in texts)
        return 200, {
            "object": "list",
            "data": data,
            "model": body.get("model") or self.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    def _models(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "sinergi-tests"}],
        }


def _error(message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI  # set on the subclass made by FakeOpenAI.start()
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds an idle keep-alive connection may hold its thread

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path = self.path.split("?", 1)[0]
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.fake._record(RecordedRequest(method, path, headers, body))
        status, payload = self.fake.handle(method, path, body)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status >= 500:
                # Honoured by the openai client: its retries (if any) come at once, so tests stay fast.
                self.send_header("retry-after-ms", "10")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test): nothing to answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output clean; the request log is `FakeOpenAI.requests`


# --- helpers for scripting replies to Sinergi's prompts ---------------------------------------------

_SOURCE = re.compile(r"^\[(\d+)\] ([^\n]+)\n(?:Jenis: ([^\n]+)\n)?<<<\n(.*?)\n>>>$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class PromptSource:
    number: int
    label: str  # may end with " (DICABUT oleh ...)"
    text: str
    kind: str = ""  # the prompt's "Jenis:" line: "peraturan", "dokumen umum (bukan peraturan)", ...


def user_prompt(messages: list[dict[str, Any]]) -> str:
    return next((str(m.get("content") or "") for m in messages if m.get("role") == "user"), "")


def system_prompt(messages: list[dict[str, Any]]) -> str:
    return next((str(m.get("content") or "") for m in messages if m.get("role") == "system"), "")


def prompt_sources(messages: list[dict[str, Any]]) -> list[PromptSource]:
    """The numbered SUMBER blocks of an answer prompt, in order."""
    return [PromptSource(int(n), label, text, kind) for n, label, kind, text in _SOURCE.findall(user_prompt(messages))]


def prompt_question(messages: list[dict[str, Any]]) -> str:
    """The PERTANYAAN line of an answer prompt ("" for other prompts)."""
    # The last one: a source's text cannot hold the prompt's own question line after its fence.
    matches = re.findall(r"^PERTANYAAN: (.*)$", user_prompt(messages), re.MULTILINE)
    return matches[-1].strip() if matches else ""


def source_number(messages: list[dict[str, Any]], label: str) -> int | None:
    """The [n] the prompt gave the passage labelled `label`, or None if it was not among the sources."""
    return next((s.number for s in prompt_sources(messages) if s.label == label), None)
