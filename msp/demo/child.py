"""The chunk builder in a child process (started by `msp.demo.generator` running `main`).

For a big data set `generate` builds the rows in this process while its own process writes
the previous chunk to the database, so the two cores work at once (threads would not: the
builder is pure Python and holds the GIL). Parameters come in on stdin and chunks go out on
stdout as length-prefixed `marshal` frames; the rows are the same as those built in-process.
"""

from __future__ import annotations

import marshal
import sys
from typing import BinaryIO

HEADER_BYTES = 8


def write_frame(out: BinaryIO, value: object) -> None:
    data = marshal.dumps(value)
    out.write(len(data).to_bytes(HEADER_BYTES, "little"))
    out.write(data)
    out.flush()


def read_frame(source: BinaryIO) -> object:
    """The next frame's value; EOFError if the other side stopped."""
    header = source.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise EOFError("the other process stopped")
    size = int.from_bytes(header, "little")
    data = source.read(size)
    if len(data) < size:
        raise EOFError("the other process stopped mid-frame")
    return marshal.loads(data)


def main() -> int:
    import datetime as dt
    import gc

    from msp.demo.generator import CHUNK_ENQUIRIES, _Builder

    gc.disable()  # as in generate: no cycles among the rows, only time lost

    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the real stdout
    params = read_frame(sys.stdin.buffer)
    assert isinstance(params, dict)
    n = params["enquiries"]
    builder = _Builder(
        seed=params["seed"],
        enquiries=n,
        today=dt.date.fromisoformat(params["today"]),
        time_suffix=params["time_suffix"],
        question_versions=[tuple(q) for q in params["question_versions"]],
    )
    try:
        for lo in range(0, n, CHUNK_ENQUIRIES):
            write_frame(out, ("chunk", builder.build_chunk(lo, min(lo + CHUNK_ENQUIRIES, n))))
        write_frame(out, ("done", builder.open_enquiries))
    except BrokenPipeError:  # the parent gave up (its load failed): nothing to do
        return 1
    return 0
