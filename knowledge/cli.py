"""What the command lines (`python -m knowledge`, `python -m ingest`, `python -m bot`) share about failing well:
every error is one line, in the CLI's language, with an exit code that tells its kind; a traceback only with
`-v`; a reader that goes away (`| head -3`) ends the output quietly.

Exit codes:
  0    done
  1    done, but some of the work failed (ingest: a file could not be read)
  2    usage or configuration: a bad argument, a missing or malformed input file, an invalid setting, a
       DATA_DIR that cannot be written
  3    another process kept DATA_DIR busy (ingest)
  4    an internal error (a bug: run again with -v for the traceback)
  130  interrupted (Ctrl+C)
  141  the output was closed early (a pipe such as `| head`)
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141

EXIT_CODES_HELP = """\
exit status: 0 done; 1 some files failed; 2 usage or configuration error (bad argument, missing or malformed
input file, invalid setting, DATA_DIR not writable); 3 DATA_DIR busy; 4 internal error (run with -v for
details); 130 interrupted; 141 output closed early (e.g. | head)."""


class CliError(Exception):
    """An error the user can fix; `message` is the one line they see (no prefix), `code` the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())
        self.code = code


# argparse writes its own errors in English; the Indonesian CLIs say them in Indonesian.
_ARGPARSE_ID: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^the following arguments are required: (?P<a>.+)$"), "argumen wajib belum diberikan: {a}"),
    (re.compile(r"^unrecognized arguments: (?P<a>.+)$"), "argumen tidak dikenal: {a}"),
    (re.compile(r"^argument (?P<a>\S+): expected one argument$"), "argumen {a} memerlukan satu nilai"),
    (re.compile(r"^argument (?P<a>\S+): invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)$"),
     "nilai {v} untuk {a} tidak dikenal (pilih: {c})"),
    (re.compile(r"^argument (?P<a>\S+): invalid \S+ value: (?P<v>.+)$"), "nilai {v} untuk {a} tidak sah"),
    (re.compile(r"^argument (?P<a>\S+): not allowed with argument (?P<b>\S+)$"),
     "argumen {a} tidak dapat dipakai bersama {b}"),
    (re.compile(r"^argument (?P<a>[^:]+): (?P<m>.+)$"), "argumen {a}: {m}"),
]  # fmt: skip


def indonesian_usage_error(message: str) -> str:
    for pattern, template in _ARGPARSE_ID:
        if match := pattern.match(message):
            return template.format(**match.groupdict())
    return message


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (with a pointer to --help), raised as CliError so
    that the caller's exit-code handling sees them; `indonesian=True` translates argparse's words."""

    def __init__(self, *args: Any, indonesian: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indonesian = indonesian

    def error(self, message: str) -> NoReturn:
        if self.indonesian:
            raise CliError(f"{indonesian_usage_error(message)} (lihat {self.prog} --help)")
        raise CliError(f"{message} (see {self.prog} --help)")


def verbose_requested(argv: Sequence[str] | None) -> bool:
    """Whether -v/--verbose was given, known even when the other arguments cannot be parsed."""
    args = sys.argv[1:] if argv is None else argv
    return any(a in ("-v", "--verbose") for a in args)


def run(
    body: Callable[[], int],
    *,
    verbose: bool,
    internal: str,
    interrupted: str,
    prefix: str = "",
    clean: Callable[[str], str] = str,
) -> int:
    """Run a CLI's body and turn every way it can fail into one line on stderr and an exit code.

    `prefix` starts every error line ("error: ", "Kesalahan: "); `internal` (with "{error}") and `interrupted`
    are the CLI's words for an unexpected error and for Ctrl+C; `clean` scrubs a line before it is shown (the
    bot's redaction of secrets).
    """
    try:
        code = body()
        sys.stdout.flush()  # a reader gone away is found here, not in the interpreter's last flush
        return code
    except CliError as error:
        _say(clean(f"{prefix}{error.message}"))
        return error.code
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        _say(f"{prefix}{interrupted}")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one line for the user, the traceback for whoever asks with -v
        if verbose:
            traceback.print_exc()
        _say(clean(f"{prefix}{internal.format(error=_one_line(f'{type(error).__name__}: {error}'))}"))
        return EXIT_INTERNAL


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _say(line: str) -> None:
    try:
        print(_one_line(line, 1000), file=sys.stderr, flush=True)
    except (BrokenPipeError, OSError):
        pass


def _quiet_stdout() -> None:
    """The reader of stdout is gone: point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def settings_or_error(load: Callable[[], Any], *, indonesian: bool) -> Any:
    """The settings, or CliError naming the setting that is invalid (pydantic's report is many lines)."""
    from pydantic import ValidationError

    try:
        return load()
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first.get("loc", ())).split(".")[0].upper() or "?"
        value = first.get("input")
        if indonesian:
            raise CliError(f"pengaturan {name} tidak sah ({value!r}); periksa .env atau variabel lingkungan.") from None
        raise CliError(f"invalid setting {name} ({value!r}): {first.get('msg')}") from None


def check_data_dir(path: Path, *, indonesian: bool) -> None:
    """DATA_DIR must exist (or be creatable) and be writable: every command opens its database there."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".sinergi-write-test-"):
            pass
    except OSError as error:
        why = error.strerror or type(error).__name__
        if indonesian:
            why = _ERRNO_ID.get(error.errno or 0, why)
            raise CliError(f"DATA_DIR {path} tidak dapat dibuat atau ditulis ({why}).") from None
        raise CliError(f"DATA_DIR {path} cannot be created or written ({why}).") from None


_ERRNO_ID = {
    errno.ENOTDIR: "ada berkas, bukan folder, di jalurnya",
    errno.EACCES: "izin ditolak",
    errno.EPERM: "izin ditolak",
    errno.EROFS: "sistem berkas hanya dapat dibaca",
    errno.ENOSPC: "ruang disk habis",
    errno.ENOENT: "folder induknya tidak ada",
    errno.EEXIST: "sudah ada berkas dengan nama itu",
}


def read_jsonl(path: Path, *, required: str | None = None) -> list[dict[str, Any]]:
    """Every object of a JSON-lines file, checked whole before anything is done with it: a missing file, or a
    line that is not a JSON object (or lacks the string `required`), raises CliError naming the file and line.
    (Messages in English: the CLI that reads question files, `python -m knowledge`, speaks English.)"""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"file {path} not found") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a folder, not a JSON-lines file") from None
    except OSError as error:
        raise CliError(f"cannot read {path} ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    items = []
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 may sit in a string
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise CliError(f"{path} line {number}: not JSON ({error.msg}); nothing was answered") from None
        if not isinstance(item, dict):
            raise CliError(f"{path} line {number}: not a JSON object; nothing was answered")
        if required and not (isinstance(item.get(required), str) and item[required].strip()):
            raise CliError(f'{path} line {number}: no "{required}" text; nothing was answered')
        items.append(item)
    return items
