"""FaceQuest: practise making facial expressions, scored from the webcam."""

import os

__version__ = "0.1.0"

# onnxruntime (1.29+) writes a device id and queues telemetry events in the user's cache
# folder as soon as it is imported, before `disable_telemetry_events()` can be called; this
# variable, read at import, stops all of it (measured: 2 files without it, none with it).
# Set here, at the top of the package, so it is in place before any module imports
# onnxruntime. See game.offline for the rest of "nothing leaves the machine".
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
