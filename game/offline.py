"""Nothing FaceQuest runs may reach the network: it is switched off here, in one place.

Two libraries would reach out:

- **MediaPipe** (`libmediapipe.so`, mediapipe 1.2.x) uploads usage logs to
  `https://play.googleapis.com/log` through its built-in libcurl when a landmarker is closed
  (seen with strace: a DNS query for play.googleapis.com, then HTTPS). Neither
  `BaseOptions` nor an absl flag turns it off. libcurl always honours the proxy variables,
  so `stay_offline()` points them at a closed port on this computer (127.0.0.1:9): curl
  then never resolves or contacts the Google host, the loopback connection is refused,
  and the upload is dropped. Any `NO_PROXY` that could exempt the host is removed.
- **onnxruntime** (1.29+) writes a device id and queues telemetry events in
  `~/.cache/Microsoft/DeveloperTools/.onnxruntime/` as soon as it is imported: the
  `ORT_DISABLE_TELEMETRY` variable, set in `game/__init__.py` before anything imports it,
  stops that; `quiet_onnxruntime()` also calls `onnxruntime.disable_telemetry_events()`.

`stay_offline()` also installs an audit hook that refuses any Python socket to another
computer (name lookups and connections), so a library that tried would fail loudly
instead of sending something. Local sockets (loopback, Unix sockets) stay allowed.
Call it before any vision library is used; calling it again does nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys
from typing import Any

logger = logging.getLogger(__name__)

BLACKHOLE_PROXY = "http://127.0.0.1:9"  # a closed port on this computer: nothing leaves
PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy",
                   "ALL_PROXY")
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})

_state = {"hooked": False}


class NetworkRefusedError(PermissionError):
    """Something tried to reach another computer; FaceQuest works offline only."""


def stay_offline() -> None:
    """Keep every library in this process (and its children) off the network."""
    for name in PROXY_VARIABLES:
        os.environ[name] = BLACKHOLE_PROXY
    for name in NO_PROXY_VARIABLES:
        os.environ.pop(name, None)
    if not _state["hooked"]:
        sys.addaudithook(_refuse_remote_sockets)
        _state["hooked"] = True
        logger.debug("network access refused for this process")


def quiet_onnxruntime(ort: Any) -> None:
    """Turn off onnxruntime's telemetry events (call before creating a session)."""
    disable = getattr(ort, "disable_telemetry_events", None)
    if disable is not None:
        disable()


def is_local_host(host: object) -> bool:
    """True for this computer: loopback names and addresses, Unix socket paths."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or not isinstance(host, str) or host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse_remote_sockets(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[-1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return
        host = address[0] if isinstance(address, tuple) and address else address
    elif event in ("socket.gethostbyname", "socket.gethostbyaddr"):
        host = args[0]
    else:
        return
    if not is_local_host(host):
        raise NetworkRefusedError(f"FaceQuest works offline; a connection to {host} was refused")
