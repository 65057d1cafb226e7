"""How FaceQuest reads a text file a person edits (a level set, a text catalogue): UTF-8,
with the byte-order mark Windows Notepad writes ("UTF-8 with BOM") dropped, since it is not
part of the TOML; a file in another encoding (GBK) is named by the line of its first byte
that is not UTF-8."""

from __future__ import annotations

BYTE_ORDER_MARK = "\ufeff"


def decode_edited_text(data: bytes) -> str:
    """`data` as text, a leading byte-order mark dropped.

    Raises:
        UnicodeDecodeError: not UTF-8 (`line_of_byte(data, exc.start)` says where).
    """
    return data.decode("utf-8").removeprefix(BYTE_ORDER_MARK)


def line_of_byte(data: bytes, offset: int) -> int:
    """The line (from 1) of `data` that holds the byte at `offset`."""
    return data.count(b"\n", 0, offset) + 1
