"""`rapport serve`'s delivery process: `rapport deliver` started beside the workers,
started again after a pause if it exits, and stopped (SIGTERM, then the time its
deliveries in flight may take) when serving ends.

It runs in a session of its own, so a Ctrl-C at a terminal reaches `rapport serve` alone,
which then stops it in order; if `rapport serve` is killed outright, the process sees its
parent gone and stops by itself (app.api.delivery_process).

uvicorn raises a stop signal again once it has shut down, to end the process the way the
signal asks: serving_beside_deliveries turns that into an exception, so the delivery process
is stopped first (and a signal during start-up stops both as well)."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType

from app.services.webhook_delivery import TIMEOUT_SECONDS

logger = logging.getLogger("rapport.webhooks")

COMMAND = [sys.executable, "-m", "app.cli", "deliver", "--stop-with-parent"]
STOP_GRACE_SECONDS = TIMEOUT_SECONDS + 5.0  # a delivery in flight ends within its timeout
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0
STEADY_SECONDS = 60.0  # a process that ran this long was not failing at start


class DeliverySupervisor:
    """Keeps one delivery process running while serving (a context manager)."""

    def __init__(self, command: list[str] | None = None) -> None:
        self._command = command or COMMAND
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._supervise, name="delivery", daemon=True)

    def __enter__(self) -> DeliverySupervisor:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            child = self._child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self._thread.join()

    def _supervise(self) -> None:
        pause = FIRST_PAUSE_SECONDS
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                child = self._child = subprocess.Popen(self._command, start_new_session=True)
            started = time.monotonic()
            code = child.wait()
            if self._stopping.is_set():
                return
            logger.error("the webhook delivery process exited (code %s); starting another", code)
            if time.monotonic() - started > STEADY_SECONDS:
                pause = FIRST_PAUSE_SECONDS
            if self._stopping.wait(pause):
                return
            pause = min(2 * pause, LONGEST_PAUSE_SECONDS)


class _StopSignal(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _StopSignal(signum)


def serving_beside_deliveries(serve_http: Callable[[], None]) -> None:
    """Run `serve_http` (which blocks until serving ends) with a delivery process beside
    it; end as a stop signal asks once the delivery process has stopped."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _raise_stop)
    try:
        with DeliverySupervisor():
            serve_http()
    except _StopSignal as stop:
        signal.signal(stop.signum, signal.SIG_DFL)
        signal.raise_signal(stop.signum)
