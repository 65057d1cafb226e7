"""Nothing leaves the machine: `watch` and `play` make no outbound network attempt.

Two independent observers watch real runs on a real face photo (scikit-image's astronaut):
an audit hook installed before FaceQuest is imported (every Python-level name lookup or
connection to another computer), and, where strace is installed, the system calls of every
thread (MediaPipe's own C code included: its usage-log upload made a DNS query for
play.googleapis.com before `game.offline`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from game.offline import NetworkRefusedError, _refuse_remote_sockets, is_local_host
from tests.conftest import REPO_ROOT

OBSERVER = textwrap.dedent(
    """
    import json, sys
    from game.offline import is_local_host
    seen = []

    def observe(event, args):
        if event == "socket.getaddrinfo" and not is_local_host(args[0]):
            seen.append([event, str(args[0])])
        elif event in ("socket.connect", "socket.sendto"):
            address = args[-1]
            host = address[0] if isinstance(address, tuple) and address else address
            if getattr(args[0], "family", 1) in (2, 10) and not is_local_host(host):
                seen.append([event, str(host)])

    sys.addaudithook(observe)  # before FaceQuest or any library is imported
    from game.cli import main
    try:
        code = main(sys.argv[2:])
    finally:
        with open(sys.argv[1], "w") as out:
            json.dump(seen, out)
    sys.exit(code)
    """
)


@pytest.fixture(scope="module")
def face_png(tmp_path_factory: pytest.TempPathFactory, astronaut_rgb: np.ndarray) -> Path:
    import cv2

    path = tmp_path_factory.mktemp("face") / "astronaut.png"
    cv2.imwrite(str(path), cv2.cvtColor(astronaut_rgb, cv2.COLOR_RGB2BGR))
    return path


def commands(face: Path, data_dir: Path) -> dict[str, list[str]]:
    return {
        "watch": ["watch", "--source", str(face), "--target", "happy", "--json"],
        "play": ["play", "--headless", "--source", str(face), "--profile", "Net",
                 "--data-dir", str(data_dir), "--max-seconds", "6"],
    }


def child_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy",
                 "ALL_PROXY"):
        env.pop(name, None)  # the game must set these itself
    return env


@pytest.mark.slow
@pytest.mark.parametrize("command", ["watch", "play"])
def test_no_python_level_lookup_or_connection_leaves_the_machine(
    command: str, face_png: Path, tmp_path: Path
) -> None:
    seen_file = tmp_path / "seen.json"
    argv = commands(face_png, tmp_path / "data")[command]
    done = subprocess.run([sys.executable, "-c", OBSERVER, str(seen_file), *argv],
                          cwd=REPO_ROOT, env=child_env(), capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(seen_file.read_text(encoding="utf-8")) == []


REMOTE = re.compile(r"(connect|sendto|sendmsg|sendmmsg)\(\d+, .*sa_family=AF_INET6?")
LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"')


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
@pytest.mark.parametrize("command", ["watch", "play"])
def test_no_thread_sends_anything_to_another_computer_seen_by_strace(
    command: str, face_png: Path, tmp_path: Path
) -> None:
    trace = tmp_path / "strace.txt"
    argv = commands(face_png, tmp_path / "data")[command]
    done = subprocess.run(
        ["strace", "-f", "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-o", str(trace),
         sys.executable, "-m", "game", *argv],
        cwd=REPO_ROOT, env=child_env(), capture_output=True, text=True, timeout=240)
    if done.returncode != 0 and "ptrace" in done.stderr:
        pytest.skip("strace cannot trace here (ptrace not permitted)")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    outbound = [line for line in lines if REMOTE.search(line) and not LOOPBACK.search(line)]
    assert outbound == []


def test_the_hook_refuses_other_computers_and_allows_this_one() -> None:
    with pytest.raises(NetworkRefusedError, match=r"play\.googleapis\.com"):
        _refuse_remote_sockets("socket.getaddrinfo", ("play.googleapis.com", 443, 0, 0, 0))
    _refuse_remote_sockets("socket.getaddrinfo", ("localhost", 80, 0, 0, 0))
    assert is_local_host("127.0.0.1") and is_local_host("::1") and is_local_host(b"localhost")
    assert not is_local_host("8.8.8.8") and not is_local_host("example.org")


def test_onnxruntime_keeps_no_device_id_or_telemetry_queue(
    face_png: Path, tmp_path: Path
) -> None:
    """onnxruntime 1.29+ writes a device id and queued telemetry events under the user's
    cache folder at import (a fresh tester found 372 queued events); none may appear."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**child_env(), "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    env.pop("ORT_DISABLE_TELEMETRY", None)  # the game must set it itself
    result = subprocess.run(
        [sys.executable, "-m", "game", "watch", "--source", str(face_png), "--json"],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT, env=env,
    )
    assert result.returncode == 0, result.stderr
    written = [str(p.relative_to(home)) for p in home.rglob("*") if p.is_file()]
    assert not [p for p in written if "onnxruntime" in p.lower()], written
