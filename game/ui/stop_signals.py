"""SIGTERM and SIGINT stop the game cleanly: the session in flight is recorded as ended
("stopped") and the program exits within a frame or two, instead of SDL turning the signal
into a window-close ("Quit FaceQuest?") that nobody answers.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)
SDL_HINT = "SDL_NO_SIGNAL_HANDLERS"  # set to "1" before pygame.init(): SDL keeps its hands off


@contextlib.contextmanager
def stop_on_signals(request_stop: Callable[[str], None]) -> Iterator[None]:
    """While inside, SIGTERM and SIGINT call `request_stop(signal name)` (only a flag may be
    set there: the game loop does the work at its next frame). The previous handlers come
    back on leaving, so a second signal during the clean-up acts as it would have before
    (SIGTERM ends the process, SIGINT raises KeyboardInterrupt). Off the main thread
    (where Python cannot catch signals) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        request_stop(signal.Signals(signum).name)

    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            # None: a handler installed outside Python (SDL's); the default is the safe one
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
