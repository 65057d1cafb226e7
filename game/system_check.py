"""Check at start-up that the system libraries FaceQuest needs are present.

Measured on a minimal Debian 12: `import mediapipe` fails without libxcb1, the landmarker
fails without libEGL/libGLESv2 even on the CPU, OpenCV needs libGL, glib, SM, ICE and Xext,
speech needs espeak-ng, and mediapipe's sounddevice dependency wants PortAudio.
"""

from __future__ import annotations

import ctypes.util
import shutil
import sys
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SystemLibrary:
    soname: str          # what ctypes.util.find_library looks for
    debian_package: str  # where it comes from on Debian/Ubuntu
    needed_for: str


REQUIRED: tuple[SystemLibrary, ...] = (
    SystemLibrary("xcb", "libxcb1", "face tracking (mediapipe imports OpenCV's GUI build)"),
    SystemLibrary("EGL", "libegl1", "face tracking (the landmarker opens an EGL context)"),
    SystemLibrary("GLESv2", "libgles2", "face tracking (the landmarker opens an EGL context)"),
    SystemLibrary("GL", "libgl1", "OpenCV"),
    SystemLibrary("glib-2.0", "libglib2.0-0", "OpenCV"),
    SystemLibrary("SM", "libsm6", "OpenCV"),
    SystemLibrary("ICE", "libice6", "OpenCV"),
    SystemLibrary("Xext", "libxext6", "OpenCV"),
    SystemLibrary("portaudio", "libportaudio2", "mediapipe's sounddevice dependency"),
)
SPEECH: tuple[SystemLibrary, ...] = (
    SystemLibrary("espeak-ng", "libespeak-ng1", "spoken prompts beyond the recorded pack"),
)
DEBIAN_PACKAGES: tuple[str, ...] = (
    *(lib.debian_package for lib in REQUIRED + SPEECH),
    "espeak-ng",
)


def missing_libraries(libraries: tuple[SystemLibrary, ...] = REQUIRED) -> list[SystemLibrary]:
    """The libraries of `libraries` that the dynamic loader cannot find (Linux only)."""
    if not sys.platform.startswith("linux"):
        return []
    return [lib for lib in libraries if ctypes.util.find_library(lib.soname) is None]


def speech_engine_available() -> bool:
    return not missing_libraries(SPEECH) or shutil.which("espeak-ng") is not None


def apt_line(missing: list[SystemLibrary]) -> str:
    packages = " ".join(sorted({lib.debian_package for lib in missing}))
    return f"sudo apt-get install -y {packages}"


def describe_missing(missing: list[SystemLibrary]) -> str:
    """One sentence that says what is missing, what it breaks and how to install it."""
    names = ", ".join(sorted({lib.debian_package for lib in missing}))
    uses = "; ".join(sorted({lib.needed_for for lib in missing}))
    return (
        f"Missing system libraries {names} (needed for {uses}); "
        f"install them with: {apt_line(missing)}"
    )
