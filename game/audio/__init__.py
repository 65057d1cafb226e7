"""FaceQuest audio: offline speech that never blocks the game, soft effects, calm music.

The UI uses `AudioSystem` (game.audio.system); `facequest voice render` rebuilds the
pre-rendered voice pack (game.audio.pack) under assets/voice/. `AudioSystem` is imported
lazily so the pack tools do not start pygame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.audio.system import AudioSystem

__all__ = ["AudioSystem"]


def __getattr__(name: str) -> Any:
    if name == "AudioSystem":
        from game.audio.system import AudioSystem

        return AudioSystem
    raise AttributeError(f"module 'game.audio' has no attribute {name!r}")
