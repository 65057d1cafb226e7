"""Where one frame's texts, cards and covers were drawn, and whether they fit together.

The drawing functions report what they draw (`note`) while a `recording()` is open, and do
nothing extra otherwise (the scenes' `draw` stays free of state). `problems(...)` then checks
the frame the way the child sees it:

- every text lies inside the window;
- every text lies inside its card: the card drawn last before it (and still visible) that
  holds the text's centre (a button is a card, so is a hint bubble);
- a card or an opaque cover drawn later hides the texts under it completely, or touches
  none of them (a text half under a card "leaks");
- no two visible texts overlap;
- no text overlaps a "shape": a drawn picture that must stay clear of words (a star of the
  goodbye card's row, the camera box of the calibration), which also stays in the window.

Used by the text-fit test (every scene, language, text size and palette) and by anyone
changing a layout: `with recording() as probe: stack.draw(surface)`, then
`problems(probe.items, surface.get_size())`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

Box = tuple[int, int, int, int]  # left, top, width, height


@dataclass(frozen=True, slots=True)
class Drawn:
    """One thing drawn: "text" (with its text), "card", "cover" (opaque, hides below) or
    "shape" (a picture no text may overlap; `text` names it in messages)."""

    kind: str
    box: Box
    text: str = ""


@dataclass(slots=True)
class LayoutProbe:
    items: list[Drawn] = field(default_factory=list)


_active: list[LayoutProbe] = []


@contextmanager
def recording() -> Iterator[LayoutProbe]:
    """Collect what is drawn inside the `with` block."""
    probe = LayoutProbe()
    _active.append(probe)
    try:
        yield probe
    finally:
        _active.remove(probe)


def note(kind: str, box: Box, text: str = "") -> None:
    """Report one drawn thing (no effect unless a recording is open)."""
    if _active:
        _active[-1].items.append(Drawn(kind, tuple(int(v) for v in box), text))  # type: ignore[arg-type]


def _inside(inner: Box, outer: Box, slack: int = 0) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return (x >= ox - slack and y >= oy - slack and x + w <= ox + ow + slack
            and y + h <= oy + oh + slack)


def _overlap(a: Box, b: Box) -> bool:
    return (a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3]
            and b[1] < a[1] + a[3])


def _holds(box: Box, point: tuple[float, float]) -> bool:
    return box[0] <= point[0] < box[0] + box[2] and box[1] <= point[1] < box[1] + box[3]


def problems(items: Sequence[Drawn], window: tuple[int, int]) -> list[str]:
    """Every way the frame's texts do not fit (an empty list when all is well)."""
    found: list[str] = []
    screen: Box = (0, 0, window[0], window[1])
    texts: list[Drawn] = []   # visible so far
    cards: list[Drawn] = []   # visible so far
    shapes: list[Drawn] = []  # visible so far
    for item in items:
        if item.kind == "shape":
            if not _inside(item.box, screen):
                found.append(f"the {item.text or 'shape'} {item.box} leaves the window {window}")
            shapes.append(item)
            continue
        if item.kind == "text":
            if item.box[2] == 0 or not item.text.strip():
                continue
            if not _inside(item.box, screen):
                found.append(f"{item.text!r} {item.box} leaves the window {window}")
            centre = (item.box[0] + item.box[2] / 2, item.box[1] + item.box[3] / 2)
            holders = [c for c in cards if _holds(c.box, centre)]
            if holders:
                card = holders[-1]
                if not _inside(item.box, card.box):
                    found.append(f"{item.text!r} {item.box} is not inside its card {card.box}")
            texts.append(item)
            continue
        for text in list(texts):
            if _overlap(text.box, item.box):
                if _inside(text.box, item.box):
                    texts.remove(text)
                else:
                    found.append(f"{text.text!r} {text.box} sticks out from under the "
                                 f"{item.kind} {item.box}")
        shapes = [s for s in shapes if not _inside(s.box, item.box)]  # hidden by it
        if item.kind == "cover":
            cards = [c for c in cards if not _inside(c.box, item.box)]
        else:
            cards.append(item)
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if _overlap(a.box, b.box):
                found.append(f"{a.text!r} {a.box} overlaps {b.text!r} {b.box}")
        for shape in shapes:
            if _overlap(a.box, shape.box):
                found.append(f"{a.text!r} {a.box} overlaps the {shape.text or 'shape'} "
                             f"{shape.box}")
    return found
