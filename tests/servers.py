"""Start real kiosk server processes on 127.0.0.1 for browser tests, scale-out tests and benches.

A server that a test kills and restarts must run in its own process: an in-thread server keeps
its websockets open after shutdown. Every server here stops by itself when the test ends (and
at the latest after ``lifetime`` seconds, through ``timeout``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """One ``python -m kiosk`` process with its own environment (database, message queue)."""

    def __init__(self, database_url: str, *, message_queue: str | None = None, demo: bool = True,
                 port: int | None = None, lifetime: int = 900, extra_env: dict | None = None,
                 log_path: Path | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "KIOSK_DATABASE_URL": database_url,
            "KIOSK_SECRET_KEY": "live-server-test-secret",
            "KIOSK_DEMO_DATA": "true" if demo else "false",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("KIOSK_SOCKETIO_MESSAGE_QUEUE", None)
        if message_queue:
            self.env["KIOSK_SOCKETIO_MESSAGE_QUEUE"] = message_queue
        self.env.update(extra_env or {})
        self.lifetime = lifetime
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> LiveServer:
        """Start the process and wait until it answers HTTP."""
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            ["timeout", str(self.lifetime), sys.executable, "-m", "kiosk", "--host", "127.0.0.1",
             "--port", str(self.port), "--quiet"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        if log is not subprocess.DEVNULL:
            log.close()  # the child keeps its own handle
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kiosk server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/offices", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"kiosk server on port {self.port} did not start in {timeout}s")

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def restart(self) -> None:
        """Stop and start again on the same port (what a display must survive)."""
        self.stop()
        self.start()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
