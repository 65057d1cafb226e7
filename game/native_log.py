"""Keep third-party native log lines off the terminal (the CLI's default; `-v` shows them).

MediaPipe, TFLite/LiteRT and ALSA write their own log lines straight to file descriptor 2
from C++ threads, at start-up and at the first inference, whatever Python's logging says:
`WARNING: Logging before InitGoogle()`, `W0000 00:00:... face_landmarker_graph.cc:181]`,
`INFO: Created TensorFlow Lite XNNPACK delegate`, `ALSA lib confmisc.c:...`, and FFmpeg's
`[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55...] moov atom not found` under FaceQuest's own sentence
for a video it cannot open. Environment
variables do not silence all of them, so `quiet_native_logs` moves descriptor 2 onto a pipe
read by a small thread that drops those lines and passes everything else on (a native error
line, a crash message, a child process's complaint). Python's own `sys.stderr` keeps
writing to the real terminal directly, so FaceQuest's sentences, warnings and tracebacks are
never delayed or filtered.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import re
import sys
import threading

# Lines a normal run prints from third-party native code (never FaceQuest's own).
NOISE = re.compile(
    rb"^(?:"
    rb"[IW]\d{4} [\d:.]+\s+\d+ \S+:\d+\]"  # glog / absl INFO and WARNING lines
    rb"|WARNING: Logging before InitGoogle\(\)"  # absl's note that precedes them
    rb"|INFO: "  # TFLite / LiteRT INFO lines ("Created TensorFlow Lite XNNPACK delegate")
    rb"|ALSA lib "  # ALSA's complaints on a machine without a sound card
    rb"|Expression '.*' failed in '.*'"  # PortAudio/ALSA probing (same machines)
    rb"|error: XDG_RUNTIME_DIR is invalid"  # SDL probing Wayland outside a desktop session
    rb"|Cannot connect to server (?:socket|request channel)"  # PortAudio probing JACK
    rb"|jack server is not running"
    rb"|JackShmReadWritePtr"
    rb"|\[[\w,.-]+ @ 0x[0-9a-fA-F]+\] "  # FFmpeg (OpenCV's video reader): "[mov,mp4,... @ 0x55..]"
    rb")"
)

_lock = threading.Lock()
_state: _Filter | None = None


def is_noise(line: bytes) -> bool:
    """True for a third-party log line that a normal run does not show."""
    return NOISE.match(line.lstrip(b"\r")) is not None


def quiet_environment() -> None:
    """Ask the native libraries for less before they load (each honours its own variable;
    a value the user set is kept)."""
    os.environ.setdefault("GLOG_minloglevel", "2")  # glog: errors only
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow Lite: errors only
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # pygame's hello line


class _Filter:
    """Descriptor 2 on a pipe; a daemon thread passes the pipe's non-noise lines on."""

    MARK = b"\x00facequest-native-log-drained\x00"

    def __init__(self) -> None:
        self.terminal_fd = os.dup(2)  # the real stderr, for Python and for kept lines
        read_fd, write_fd = os.pipe()
        self.read_fd = read_fd
        self.drained = threading.Event()
        os.dup2(write_fd, 2)  # native code now writes into the pipe
        os.close(write_fd)
        self.thread = threading.Thread(target=self._pump, name="facequest-native-log",
                                       daemon=True)
        self.thread.start()

    def _pump(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self.read_fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            self._emit(lines)
        if pending:
            self._emit([pending])

    def _emit(self, lines: list[bytes]) -> None:
        kept = bytearray()
        for line in lines:
            if line == self.MARK:
                self.drained.set()
            elif line.strip() and not is_noise(line):
                kept += line + b"\n"
        if kept:
            with contextlib.suppress(OSError):  # a terminal gone away: nothing left to tell
                os.write(self.terminal_fd, bytes(kept))

    def drain(self, timeout: float = 1.0) -> None:
        """Wait (up to `timeout` s) until the lines written so far have been passed on.

        Descriptor 2 stays on the pipe: native clean-up after this (at interpreter exit)
        stays quiet too."""
        try:
            os.write(2, b"\n" + self.MARK + b"\n")
        except OSError:
            return
        self.drained.wait(timeout)


def quiet_native_logs() -> None:
    """Filter third-party native log lines out of this process's stderr, until it exits.

    Call once, early (before MediaPipe, onnxruntime or pygame load), and only in the real
    command-line process: it replaces `sys.stderr` with a stream on the terminal and moves
    descriptor 2 onto a filtering pipe. Does nothing when stderr is not the process's own
    (pytest's capture, an embedding program) or when called again.
    """
    global _state
    quiet_environment()
    with _lock:
        if _state is not None or sys.stderr is not sys.__stderr__:
            return
        old = sys.stderr
        if old is None:
            return
        encoding = old.encoding or "utf-8"
        errors = old.errors or "backslashreplace"
        try:
            old.flush()
            state = _Filter()
        except OSError:  # no descriptor 2 at all, or no pipes left: stay as we are
            return
        stream = io.TextIOWrapper(
            io.FileIO(os.dup(state.terminal_fd), "w"), encoding=encoding, errors=errors,
            line_buffering=True, write_through=True,
        )
        sys.stderr = stream
        _state = state
    atexit.register(state.drain)
