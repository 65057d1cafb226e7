"""Find the line of every key, table and array entry in a TOML text.

`tomllib` gives values but no positions. Error messages must name the line, so this scans
a text that `tomllib` has already accepted and maps each path, e.g.
`("levels", 1, "prompting", "steps", 0, "after_ms")`, to its 1-based line: the line of
the key, of the `[table]` / `[[array]]` header, or of the array element. It understands
headers, dotted and quoted keys, multi-line arrays, inline tables and all string forms.
"""

from __future__ import annotations

from collections.abc import Sequence

PathPart = str | int
KeyPath = tuple[PathPart, ...]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text.replace("\r\n", "\n")
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.array_counts: dict[KeyPath, int] = {}
        self.table: KeyPath = ()

    # -- low level -------------------------------------------------------------------
    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def advance(self, n: int = 1) -> None:
        chunk = self.text[self.pos:self.pos + n]
        self.line += chunk.count("\n")
        self.pos += len(chunk)

    def skip_blank(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t" or (newlines and ch == "\n"):
                self.advance()
            elif ch == "#":
                while self.pos < len(self.text) and self.text[self.pos] != "\n":
                    self.advance()
            else:
                return

    def read_string(self) -> str:
        for quote in ('"""', "'''"):
            if self.peek(3) == quote:
                self.advance(3)
                start = self.pos
                while self.pos < len(self.text):
                    if quote == '"""' and self.peek() == "\\":
                        self.advance(2)
                    elif self.peek(3) == quote:
                        # up to two quotes may close a multi-line string early ("""a"""")
                        while self.peek(4) == quote + quote[0]:
                            self.advance()
                        end = self.pos
                        self.advance(3)
                        return self.text[start:end]
                    else:
                        self.advance()
                return self.text[start:]
        quote = self.peek()
        self.advance()
        out = []
        while self.pos < len(self.text) and self.peek() != quote:
            if quote == '"' and self.peek() == "\\":
                out.append(self.peek(2))
                self.advance(2)
                continue
            out.append(self.peek())
            self.advance()
        self.advance()
        return "".join(out)

    def read_key(self) -> KeyPath:
        parts: list[PathPart] = []
        while True:
            self.skip_blank(newlines=False)
            if self.peek() in ('"', "'"):
                parts.append(self.read_string())
            else:
                start = self.pos
                while self.pos < len(self.text) and self.text[self.pos] in _BARE:
                    self.advance()
                parts.append(self.text[start:self.pos])
            self.skip_blank(newlines=False)
            if self.peek() == ".":
                self.advance()
                continue
            return tuple(parts)

    # -- structure -------------------------------------------------------------------
    def resolve(self, key: KeyPath) -> KeyPath:
        """Insert the current index after every prefix that names an array of tables."""
        out: list[PathPart] = []
        for part in key:
            out.append(part)
            count = self.array_counts.get(tuple(out))
            if count is not None:
                out.append(count - 1)
        return tuple(out)

    def record(self, path: KeyPath, line: int) -> None:
        self.lines.setdefault(path, line)

    def scan(self) -> dict[KeyPath, int]:
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            line = self.line
            if self.peek(2) == "[[":
                self.advance(2)
                key = self.read_key()
                self.advance(2)
                parent = self.resolve(key[:-1])
                array_path = (*parent, key[-1])
                index = self.array_counts.get(array_path, 0)
                self.array_counts[array_path] = index + 1
                self.record(array_path, line)
                self.table = (*array_path, index)
                self.record(self.table, line)
            elif self.peek() == "[":
                self.advance()
                key = self.read_key()
                self.advance()
                self.table = self.resolve(key)
                self.record(self.table, line)
            else:
                key = self.read_key()
                path = (*self.table, *key)
                self.record(path, line)
                self.skip_blank(newlines=False)
                self.advance()  # '='
                self.value(path)

    def value(self, path: KeyPath) -> None:
        self.skip_blank(newlines=False)
        ch = self.peek()
        if ch in ('"', "'"):
            self.read_string()
        elif ch == "[":
            self.advance()
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() == "]" or self.pos >= len(self.text):
                    self.advance()
                    return
                self.record((*path, index), self.line)
                self.value((*path, index))
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
                    index += 1
        elif ch == "{":
            self.advance()
            while True:
                self.skip_blank(newlines=True)
                if self.peek() == "}" or self.pos >= len(self.text):
                    self.advance()
                    return
                line = self.line
                key = self.read_key()
                self.record((*path, *key), line)
                self.skip_blank(newlines=False)
                self.advance()  # '='
                self.value((*path, *key))
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
        else:
            while self.pos < len(self.text) and self.peek() not in ",]}\n#":
                self.advance()


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path of a valid TOML text to its 1-based line."""
    return _Scanner(text).scan()


def line_of(lines: dict[KeyPath, int], path: Sequence[PathPart]) -> int:
    """The line of `path`, or of its nearest written ancestor (1 when none is written)."""
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return 1
