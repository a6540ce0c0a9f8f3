"""Run gridcc as a real server process for tests that need one (browser, fan-out)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    database_url: str,
    redis_url: str = "",
    log_path: Path | None = None,
    extra_args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Start ``gridcc serve`` on a free port; yield its base URL; stop it afterwards."""
    with server_process(database_url, redis_url, log_path, extra_args, env) as (base, _proc):
        yield base


@contextmanager
def server_process(
    database_url: str,
    redis_url: str = "",
    log_path: Path | None = None,
    extra_args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``running_server``, also yielding the process (for a test that kills it)."""
    port = free_port()
    env = {
        **os.environ,
        "PLAIN_HTTP": "1",  # served over http on the loopback: cookies without Secure
        **(env or {}),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SIMULATE_RATE": "0",
    }
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", *extra_args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own process group: nothing of it outlives the test
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gridcc exited with {proc.returncode}; see {log_path}")
            try:
                # Up: any answer but a server error (in production /api/seq wants a login).
                if requests.get(f"{base}/api/seq", timeout=1).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gridcc did not start within 60 s")
            time.sleep(0.1)
        yield base, proc
    finally:
        # SIGINT, as Ctrl-C: the server lets its sockets go and stops (serving.py); the
        # development server stops on it as on SIGTERM.
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # A master killed (here, or by the test) leaves its workers running: a worker hung in
        # gunicorn's quick exit once ran on for the rest of a CI run.
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        if log_path:
            log.close()  # type: ignore[union-attr]


def children(pid: int) -> dict[int, str]:
    """``pid``'s child processes and their command lines (arguments NUL-separated)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            out[int(child)] = cmdline(int(child))
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
