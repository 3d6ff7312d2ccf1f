"""Parsing an uploaded workbook in a child process with a memory and CPU limit (docs/adr/0010).

The app process never hands an uploaded file to a parser: ``reader`` checks the container and the used range
from the sheet XML first, then ``stream`` starts this file as a child (``python -I worker.py``), writes the
file to its standard input and reads the cleaned rows back, in length-prefixed JSON frames. The child sets
``RLIMIT_AS`` (``LINLI_IMPORT_WORKER_MEMORY_MB``), ``RLIMIT_CPU`` (``LINLI_IMPORT_WORKER_SECONDS``) and no core
file before it reads a byte, so a file that still asks for too much (python-calamine aborts the process when
an allocation fails) ends the child only; the parent reports ``worker_limit``.

This module is run as a script by the child: at import time it uses the standard library only (no Django),
and the parser is imported after the limits are set.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import sys

FRAME = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024
BATCH = 500
PLAIN = (str, int, float, bool, dt.date, dt.time, dt.timedelta)


def clean(value):
    """Strip text (empty → None), integral floats → int; formula objects (array formulas) → their "=…" text."""
    kind = type(value)
    if kind is str:
        value = value.strip()
        return value or None
    if value is None:
        return None
    if kind is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if not isinstance(value, PLAIN):
        return "=" + str(getattr(value, "text", "") or value)
    return value


# -- values on the wire: JSON, with the four kinds of time tagged --------------------------------------------


def _encode(value):
    if isinstance(value, dt.datetime):
        return {"$": "dt", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "d", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$": "t", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$": "td", "v": value.total_seconds()}
    return value


DECODERS = {
    "dt": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
    "t": dt.time.fromisoformat,
    "td": lambda s: dt.timedelta(seconds=s),
}


def _decode(obj: dict):
    kind = obj.get("$")
    if kind in DECODERS and len(obj) == 2:
        return DECODERS[kind](obj["v"])
    return obj


def _send(out, message) -> None:
    body = json.dumps(message, ensure_ascii=False, default=_encode).encode()
    out.write(FRAME.pack(len(body)) + body)


# -- the child -----------------------------------------------------------------------------------------------


def _limit(memory_mb: int, seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an aborted child must not dump personal data to disk
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def _rows(engine: str, data: bytes, title: str):
    """(Excel row number, raw values from column A) of every row, by the chosen engine."""
    if engine == "openpyxl":
        import openpyxl

        # read-only: rows are parsed lazily; formulas come back as their "=…" text and are never evaluated
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            ws = wb[title]
            yield "member", ws._worksheet_path.lstrip("/")
            yield from enumerate(ws.iter_rows(values_only=True), start=1)
        finally:
            wb.close()
        return
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(title)
    start = sheet.start
    if start is None:
        return
    row0, col0 = start
    pad = (None,) * col0
    for i, values in enumerate(sheet.iter_rows()):
        yield row0 + i + 1, pad + tuple(values) if col0 else values


def child(argv: list[str]) -> int:
    engine, title, memory_mb, seconds, first = argv[0], argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    _limit(memory_mb, seconds)
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    batch: list = []
    kept = 0
    try:
        for number, values in _rows(engine, data, title):
            if number == "member":
                _send(out, {"member": values})
                continue
            cells = [clean(v) for v in values]
            if cells.count(None) != len(cells):
                batch.append([number, cells])
                kept += 1
            if first and (kept >= first or number > first * 3):  # the header is near the top
                break
            if len(batch) >= BATCH:
                _send(out, {"rows": batch})
                batch = []
        if batch:
            _send(out, {"rows": batch})
        _send(out, {"end": True})
    except MemoryError:
        _send(out, {"error": "worker_limit"})
    except Exception:  # the parsers raise many kinds on garbage: all mean "not an xlsx we can read"
        _send(out, {"error": "not_xlsx"})
    out.flush()
    return 0


# -- the parent ----------------------------------------------------------------------------------------------


class WorkerFailed(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def stream(data: bytes, *, engine: str, title: str, memory_mb: int, seconds: int, first: int = 0, on_member=None):
    """Yield (row number, cleaned cells) from a child parsing ``data``; ``first`` > 0 stops after that many
    non-empty rows. Raises ``WorkerFailed`` with a message code when the child refuses or dies."""
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script, no shell
            [sys.executable, "-I", __file__, engine, title, str(memory_mb), str(seconds), str(first)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        ended = False
        try:
            try:
                proc.stdin.write(data)
                proc.stdin.close()
            except BrokenPipeError:
                pass
            read = proc.stdout.read
            while True:
                head = read(FRAME.size)
                if len(head) < FRAME.size:
                    break
                (size,) = FRAME.unpack(head)
                if size > MAX_FRAME:
                    raise WorkerFailed("worker_limit")
                message = json.loads(read(size), object_hook=_decode)
                if "rows" in message:
                    for number, cells in message["rows"]:
                        yield number, tuple(cells)
                elif "member" in message:
                    if on_member is not None:
                        on_member(message["member"])
                elif "error" in message:
                    raise WorkerFailed(
                        message["error"] if message["error"] in ("worker_limit", "not_xlsx") else "not_xlsx"
                    )
                elif message.get("end"):
                    ended = True
                    break
        finally:
            if proc.poll() is None:
                if ended:
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                else:
                    proc.kill()
            proc.wait()
            proc.stdout.close()
        if not ended:
            # killed by a signal (SIGABRT when an allocation failed, SIGKILL/SIGXCPU at the CPU limit) or
            # silent: the file needs more than the limits allow
            raise WorkerFailed("worker_limit")


if __name__ == "__main__":
    sys.exit(child(sys.argv[1:]))
