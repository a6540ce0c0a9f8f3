"""Parts of bench/fanout.py: the servers it starts, their CPU time, the screens' processes,
the posting clients, and the figures."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from _fanout_clients import serve_screens

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SECRET = "bench-fanout-secret-of-at-least-32-characters"
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree(pid: int) -> list[int]:
    """``pid`` and every process under it (gunicorn's workers, feeds' processes)."""
    out, todo = [], [pid]
    while todo:
        here = todo.pop()
        out.append(here)
        try:
            for task in os.listdir(f"/proc/{here}/task"):
                with open(f"/proc/{here}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its processes, from /proc/<pid>/stat."""
    total = 0
    for one in tree(pid):
        try:
            with open(f"/proc/{one}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICK


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its processes, MB (/proc/<pid>/status VmRSS)."""
    total = 0
    for one in tree(pid):
        try:
            with open(f"/proc/{one}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


@contextmanager
def paused(pid: int) -> Iterator[None]:
    """``pid`` and its processes stopped (SIGSTOP) meanwhile, then continued."""
    stopped = tree(pid)
    for one in stopped:
        os.kill(one, signal.SIGSTOP)
    try:
        yield
    finally:
        for one in stopped:
            os.kill(one, signal.SIGCONT)


@dataclass
class Server:
    base: str
    pid: int


@contextmanager
def launched(
    command: list[str], env: dict[str, str], log: Path, probe: str = "/api/seq"
) -> Iterator[Server]:
    """A server process; yields once ``probe`` answers. Stopped (SIGTERM) afterwards."""
    port = free_port()
    env = {**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port)}
    command = [arg.replace("{port}", str(port)) for arg in command]
    with open(log, "ab") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{command} exited: {log.read_text()[-3000:]}")
                try:
                    if requests.get(base + probe, timeout=1).status_code < 500:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command} did not answer within 90 s")
                time.sleep(0.1)
            yield Server(base, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def gridcc_env(database_url: str, redis_url: str, spool: Path) -> dict[str, str]:
    """Production settings of a bench server: a channel (and so a lease) of its own."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "FANOUT_CHANNEL": f"bench-fanout-{uuid.uuid4().hex[:10]}",
        "GRIDCC_ENV": "production",
        "SECRET_KEY": SECRET,
        "SIMULATE_RATE": "0",
        "SPOOL_DIR": str(spool),
        "KEY_RATE_LIMIT": "1000000/minute",  # the poster's key is not what is measured
    }


class Screens:
    """``count`` clients spread over ``procs`` processes (each one session's cookie)."""

    def __init__(self, base: str, cookies: list[str], count: int, kind: str) -> None:
        spawn = multiprocessing.get_context("spawn")
        procs = max(1, min(len(cookies), count))
        shares = [count // procs + (1 if i < count % procs else 0) for i in range(procs)]
        self.pipes: list[Any] = []
        self.procs: list[Any] = []
        for cookie, share in zip(cookies, shares, strict=False):
            mine, theirs = spawn.Pipe()
            proc = spawn.Process(
                target=serve_screens, args=(theirs, base, cookie, share, kind), daemon=True
            )
            proc.start()
            self.pipes.append(mine)
            self.procs.append(proc)
        try:
            self.connect_s = max(self._answer(pipe, "ready") for pipe in self.pipes)
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _answer(pipe: Any, wanted: str) -> Any:
        if not pipe.poll(300):
            raise RuntimeError("a screens' process did not answer within 300 s")
        what, value = pipe.recv()
        if what != wanted:
            raise RuntimeError(f"a screens' process: {value}")
        return value

    def collect(self, case_ids: list[int], deadline_s: float = 30.0) -> list[Any]:
        """Per client: (first arrival by case, frames, events), once every case arrived."""
        for pipe in self.pipes:
            pipe.send(("collect", case_ids, deadline_s))
        return [held for pipe in self.pipes for held in self._answer(pipe, "held")]

    def close(self) -> None:
        for pipe in self.pipes:
            with suppress(OSError):
                pipe.send(("stop",))
        for proc in self.procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()


class Poster:
    """POSTs over one keep-alive connection; each answer's case id and when it came."""

    def __init__(self, base: str, path: str, key: str | None) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.conn = http.client.HTTPConnection(*self.address, timeout=60)
        self.path = path
        self.headers = {"Content-Type": "application/json"}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"

    def post(self, body: dict[str, Any]) -> tuple[int, float]:
        data = json.dumps(body).encode()
        try:
            self.conn.request("POST", self.path, data, self.headers)
            answer = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the idle keep-alive connection (gunicorn's keepalive): send
            # again on a new one (a report's report_id makes a resend the same case).
            self.conn.close()
            self.conn = http.client.HTTPConnection(*self.address, timeout=60)
            self.conn.request("POST", self.path, data, self.headers)
            answer = self.conn.getresponse()
        text = answer.read()
        accepted = time.monotonic()
        if answer.status not in (200, 201):
            raise RuntimeError(f"POST {self.path}: {answer.status} {text[:500]!r}")
        return int(body.get("case_id") or json.loads(text)["case_id"]), accepted


def post_paced(poster: Poster, bodies: list[dict[str, Any]], rate: float) -> tuple[list, float]:
    """One body every 1/``rate`` s (a late answer delays the next): the answers and the
    posting rate achieved."""
    out = []
    began = time.monotonic()
    for i, body in enumerate(bodies):
        wait = began + i / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        out.append(poster.post(body))
    return out, len(bodies) / max(time.monotonic() - began, 1e-9)


def run_threads(bodies: list[dict[str, Any]], threads: int, one: Any) -> float:
    """``one(body)`` for every body, from ``threads`` threads as fast as they go: the bodies
    a second."""
    failed: list[BaseException] = []
    start = threading.Barrier(threads + 1)

    def work(i: int) -> None:
        start.wait()
        try:
            for body in bodies[i::threads]:
                one(body)
        except BaseException as exc:  # told below
            failed.append(exc)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.monotonic()
    for worker in workers:
        worker.join()
    took = time.monotonic() - began
    if failed:
        raise RuntimeError(f"a writer failed: {failed[0]!r}") from failed[0]
    return len(bodies) / max(took, 1e-9)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Run:
    """One measured run: accepted → received (ms) at every client, and what it cost."""

    label: str
    latencies: list[float] = field(default_factory=list)
    missing: int = 0
    frames: int = 0
    events_seen: int = 0
    clients: int = 0
    rate: float = 0.0
    events: int = 0  # events the server published in the run
    cpu_s: float = 0.0

    def add(self, answers: list[tuple[int, float]], held: list[Any]) -> None:
        self.clients = len(held)
        for first, frames, events in held:
            self.frames += frames
            self.events_seen += events
            for case_id, accepted in answers:
                if case_id in first:
                    # An event may beat the POST's answer to the client: counted as 0.
                    self.latencies.append(max(0.0, first[case_id] - accepted) * 1000)
                else:
                    self.missing += 1

    @property
    def mean(self) -> float:
        return sum(self.latencies) / len(self.latencies) if self.latencies else float("nan")

    def cpu_ms_per_event(self) -> float:
        return self.cpu_s * 1000 / max(self.events, 1)

    def line(self) -> str:
        got = len(self.latencies)
        return (
            f"  {self.label:<30} {pct(self.latencies, 0.5):7.1f} {pct(self.latencies, 0.95):7.1f}"
            f" {pct(self.latencies, 0.99):7.1f} {self.mean:7.1f}   {got}/{got + self.missing}"
            f"   {self.rate:6.1f}   {self.cpu_ms_per_event():7.2f} of {self.events} events"
        )
