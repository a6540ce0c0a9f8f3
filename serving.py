"""gridcc in production: gunicorn runs the web processes, the feeds' workers run beside them.

``gridcc serve`` outside development runs gunicorn as a library (``GridServer``): one
master, ``workers`` processes each with ``threads`` threads (gthread, as Flask-SocketIO
documents for simple-websocket: a websocket holds its thread while it is open). The
sockets are websocket-only (``app.socketio_for``), so a connection never moves between
processes and no sticky sessions are needed; processes share the store (PostgreSQL) and
the fan-out (Redis). Each worker builds its own app after the fork: nothing that holds a
connection or a thread exists in the master when it forks.

The feeds' workers are processes of their own, ``gridcc`` commands started once the
master listens and stopped with it: the simulator (``SIMULATE_RATE`` or ``--simulate``)
and the intake queue's consumer (when ``INTAKE_STREAM`` names the stream department
systems write to).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

if TYPE_CHECKING:
    from app import GridCC, Settings

THREADS = 100  # open websockets + requests in flight per process
GRACEFUL_S = 10  # a stopping worker's sockets reconnect to another; its requests finish
FEED_STOP_S = 10
PR_SET_PDEATHSIG = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feed:
    """A feed's worker: its name and its ``gridcc`` command's arguments."""

    name: str
    args: tuple[str, ...]


def refuse_workers(settings: Settings, workers: int) -> None:
    """Several processes share the store and reach each other's screens only through a
    server store and Redis: say so, and stop, rather than serve screens that miss events."""
    if workers < 1:
        raise SystemExit("gridcc serve --workers: at least 1")
    if workers == 1:
        return
    if not settings.redis_url:
        raise SystemExit(
            f"gridcc serve --workers {workers} needs REDIS_URL: without it a case opened on "
            "one process never reaches the screens connected to another"
        )
    if settings.database_url.startswith("sqlite"):
        raise SystemExit(
            f"gridcc serve --workers {workers} needs PostgreSQL (DATABASE_URL=postgresql://…): "
            "SQLite takes one writer at a time, in one process's reach"
        )


def feeds_for(settings: Settings, simulate_rate: float) -> list[Feed]:
    """The feeds' workers this deployment runs beside its web processes."""
    feeds = []
    if simulate_rate > 0:
        feeds.append(Feed("simulator", ("simulate", "--rate", f"{simulate_rate:g}")))
    if settings.redis_url and settings.intake_stream_setting:
        feeds.append(Feed("intake queue", ("queue", "consume")))
    return feeds


class FeedWorkers:
    """The feeds' processes, started and stopped with the server. Each dies with the
    master too (Linux's parent-death signal), so a killed server leaves no feed behind."""

    def __init__(self, feeds: list[Feed]) -> None:
        self.feeds = feeds
        self.running: list[tuple[Feed, subprocess.Popen[bytes]]] = []

    def start(self) -> None:
        for feed in self.feeds:
            proc = subprocess.Popen(
                [sys.executable, "-m", "cli", *feed.args], preexec_fn=_die_with_parent
            )
            self.running.append((feed, proc))
            print(f"gridcc: {feed.name} started (pid {proc.pid})", flush=True)

    def stop(self) -> None:
        for _feed, proc in self.running:
            if proc.poll() is None:
                proc.terminate()
        for _feed, proc in self.running:
            try:
                proc.wait(timeout=FEED_STOP_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.running = []


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class GridServer(BaseApplication):
    """gunicorn serving ``settings``'s gridcc: ``workers`` processes of ``threads``."""

    def __init__(
        self,
        settings: Settings,
        workers: int = 1,
        threads: int = THREADS,
        feeds: FeedWorkers | None = None,
        metrics_dir: str = "",
    ) -> None:
        self.settings = settings
        self.workers = workers
        self.threads = threads
        self.feeds = feeds or FeedWorkers([])
        self.metrics_dir = metrics_dir
        self.built: GridCC | None = None
        super().__init__()

    def load_config(self) -> None:
        host = self.settings.host
        bind = f"[{host}]:{self.settings.port}" if ":" in host else f"{host}:{self.settings.port}"
        config: dict[str, Any] = {
            "bind": [bind],
            "workers": self.workers,
            "worker_class": "gthread",
            "threads": self.threads,
            "graceful_timeout": GRACEFUL_S,
            "proc_name": "gridcc",
            "control_socket_disable": True,  # no socket in $HOME: servers side by side
            "accesslog": None,  # the app logs each request itself, without tokens
            "errorlog": "-",
            "logger_class": OurLogs,
            "when_ready": self._when_ready,
            "on_exit": self._on_exit,
            "child_exit": self._child_exit,
            "worker_exit": self._worker_exit,
            "post_worker_init": self._post_worker_init,
        }
        for name, value in config.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        """In each worker, after the fork: its own app, store engine and threads."""
        from app import create_app

        self.built = create_app(self.settings)
        return self.built.server

    def _when_ready(self, _arbiter: Any) -> None:
        self.feeds.start()

    def _on_exit(self, _arbiter: Any) -> None:
        self.feeds.stop()
        if self.metrics_dir:
            shutil.rmtree(self.metrics_dir, ignore_errors=True)

    def _child_exit(self, _arbiter: Any, worker: Any) -> None:
        if self.metrics_dir:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.pid)

    # A stopping worker's open websockets are requests that never finish: left open, they
    # hold it for the whole graceful timeout, and then it is killed. So on any stop (SIGTERM,
    # SIGINT, SIGQUIT) a worker lets its sockets go at once, and its screens reconnect to
    # another worker or to its successor, while requests in flight finish (gunicorn's
    # graceful exit). gunicorn's own quick exit is not used: it shuts the thread pool down
    # from the signal handler, which deadlocks when the signal lands while the main thread
    # is starting a pool thread (seen in a test: the worker hung until killed).
    def _post_worker_init(self, worker: Any) -> None:
        stopping = threading.Event()  # set from a signal handler: no lock the main thread holds

        def let_go_when_stopping() -> None:
            stopping.wait()
            self._let_go()

        threading.Thread(target=let_go_when_stopping, name="gridcc-let-go", daemon=True).start()

        def stop(sig: int, frame: Any) -> None:
            stopping.set()
            worker.handle_exit(sig, frame)  # gthread's: a flag and a wake-up, signal-safe

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, stop)

    def _let_go(self) -> None:
        if self.built is None:
            return
        try:
            closed = self.built.hub.let_go()
        except Exception:
            log.exception("the sockets could not be let go")
            return
        if closed:
            log.info("stopping: %d sockets let go, to reconnect", closed)

    def _worker_exit(self, _arbiter: Any, _worker: Any) -> None:
        if self.built is not None:
            self.built.close()


class OurLogs(Logger):
    """gunicorn's own lines (starting, a worker booted or gone) go where every gridcc line
    goes, in its shape (``LOG_FORMAT``): not to a handler and a format of gunicorn's."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = True


def prepare_store(settings: Settings) -> None:
    """Create (or check) the store's schema once, in the master, before any worker starts:
    N workers would otherwise race to create it. The engine is closed before the fork."""
    from cases.catalog import load_catalog
    from cases.db import make_engine
    from cases.store import Store

    engine = make_engine(settings.database_url)
    try:
        Store(engine, load_catalog()).create_schema()
    finally:
        engine.dispose()


def metrics_folder() -> str:
    """A fresh folder for prometheus_client's multiprocess mode, set before anything
    imports it (its mode is chosen at import), shared by the workers and the feeds."""
    folder = tempfile.mkdtemp(prefix="gridcc-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def serve(settings: Settings, workers: int, threads: int, simulate_rate: float) -> None:
    """Run the production server until SIGTERM/SIGINT, the feeds' workers beside it."""
    refuse_workers(settings, workers)
    own_metrics = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    folder = metrics_folder() if own_metrics else os.environ["PROMETHEUS_MULTIPROC_DIR"]
    prepare_store(settings)
    feeds = FeedWorkers(feeds_for(settings, simulate_rate))
    fanout = f"Redis channel {settings.fanout_channel}" if settings.redis_url else "in-process"
    print(
        f"gridcc: http://{settings.host}:{settings.port}/  {workers} process(es) × {threads} "
        f"threads (store: {_without_password(settings.database_url)}; fan-out: {fanout})",
        flush=True,
    )
    GridServer(settings, workers, threads, feeds, metrics_dir=folder if own_metrics else "").run()


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
