"""`Closing`: the `with` protocol for anything that has a `close()`.

`with thing:` gives the thing itself and calls `thing.close()` on the way out, whatever
happened inside. Stores, caches, trackers, frame sources and the audio system share it.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """Mixin: `__enter__` returns self, `__exit__` calls `close()` (which subclasses define)."""

    def close(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define close()")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
