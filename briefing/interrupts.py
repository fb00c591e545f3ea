"""Ctrl-C and SIGTERM for the `briefing` command: one line, exit 130 (143 for SIGTERM), within
GRACE_SECONDS whatever is running.

The signal is raised as KeyboardInterrupt in the main thread, so every `with` block unwinds
(temporary files removed, worker processes ended) and the command then leaves without waiting for
helper threads. Python runs that handler only between bytecodes: a long call into C (ONNX Runtime
speaking a sentence in this process) would hold it up, so a watcher thread, woken through the
signal wakeup fd even then, ends the process after GRACE_SECONDS if the unwinding has not. What
that cuts short is only ever a hidden `.NAME.*.part` file, which the next run clears. Where the
KeyboardInterrupt cannot be raised (in a callback) the command leaves at once the same way; and
an error raised once the signal has come (a library's own, for the interrupt it caught) is
reported as the interruption.

Only the command installs this; a program using briefing as a library keeps its own handlers.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

GRACE_SECONDS = 1.5
MESSAGES = {signal.SIGINT: "interrupted", signal.SIGTERM: "stopped"}

_installed = False
_received: int | None = None  # the signal that stopped us
_leaving = threading.Lock()


def install() -> None:
    """Take charge of SIGINT and SIGTERM (call from the main thread, before anything slow)."""
    global _installed
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    # The watcher first: a signal arriving while it starts is then still a plain KeyboardInterrupt.
    threading.Thread(target=_watch, args=(read_end,), name="briefing-interrupts", daemon=True).start()
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    sys.unraisablehook = _unraisable
    _installed = True
    for number in MESSAGES:
        signal.signal(number, _raise_interrupt)


def _unraisable(unraisable) -> None:
    """A signal's KeyboardInterrupt raised where Python cannot raise it (in a callback such as
    logging's after-fork handler, when Ctrl-C lands as Piper's workers are forked) is lost, so
    leave now, as the watcher would after GRACE_SECONDS. Raising it again in the main thread is
    not safe: it can land inside this hook again (tried, and seen in 1 of 80 interrupted runs)."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        leave()
    sys.__unraisablehook__(unraisable)


def _raise_interrupt(number: int, frame) -> None:
    global _received
    _received = _received or number
    raise KeyboardInterrupt


def _watch(read_end: int) -> None:
    """Wait for a stopping signal (the wakeup fd is written even while the main thread is in C),
    then give the main thread GRACE_SECONDS to unwind before leaving anyway."""
    while True:
        number = os.read(read_end, 1)[0]
        if number in MESSAGES:
            break
    threading.Event().wait(GRACE_SECONDS)
    leave(number)


def stopping() -> bool:
    """Whether a stopping signal has arrived. An error raised since may be its doing (a library
    turning the KeyboardInterrupt of an import it was making into an ImportError, a child process
    ended with the group), so the command reports the interruption instead."""
    return _received is not None


def leave(number: int | None = None) -> None:
    """Say why on stderr, once, and exit: at once when installed (helper threads are not waited
    for), else by SystemExit as usual."""
    number = number or _received or signal.SIGINT
    code = 128 + number
    if not _installed:
        sys.stderr.write(f"briefing: {MESSAGES[number]}\n")
        sys.stderr.flush()
        raise SystemExit(code)
    with _leaving:
        try:
            sys.stderr.write(f"briefing: {MESSAGES[number]}\n")
            sys.stderr.flush()
            sys.stdout.flush()
        finally:
            os._exit(code)


def stopped(number: int) -> None:
    """A service stopped by a signal, once it has closed what it holds: one line, and exit 0 for
    SIGTERM (a service manager's stop is no crash) or 130 for Ctrl-C, at once. Threads still
    working (a render in progress, which resumes on the next start) are not waited for, nor let to
    run on into the interpreter's shutdown, where ONNX Runtime's threads aborted the process."""
    sys.stderr.write(f"briefing: {MESSAGES.get(number, 'stopped')}\n")
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(0 if number == signal.SIGTERM else 128 + number)
