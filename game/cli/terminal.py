"""What the `facequest` command writes to a terminal is safe on any terminal.

- `tolerant_output()` makes stdout and stderr replace what the terminal's encoding cannot show
  (a Chinese name on a latin-1 or ASCII terminal becomes `\\u5c0f`) instead of failing with
  `UnicodeEncodeError`. The CLI calls it first.
- `shown(text)` escapes control characters in text that came from a person or a file (a
  child's name, notes, a level set's title): ESC, BEL, a carriage return or a bidirectional
  override would otherwise reach the terminal and recolour, beep, overwrite or reorder what it
  shows.
"""

from __future__ import annotations

import io
import sys
import unicodedata

# Bidirectional embedding, override and isolate controls: they reorder what follows on screen.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def tolerant_output() -> None:
    """Make `sys.stdout` and `sys.stderr` write `\\uXXXX` for a character their encoding
    cannot show (PYTHONIOENCODING=ascii, latin-1, LC_ALL=POSIX). Streams that are not text
    files (a test's capture) are left as they are."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` with every control character (C0, DEL, C1) and bidirectional control written
    as a visible escape (`\\x1b`, `\\x07`, `\\u202e`); other characters are kept."""
    if text.isprintable():
        return text
    return "".join(
        _escaped(ch) if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS else ch
        for ch in text
    )
