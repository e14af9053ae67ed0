"""No process outlives the one that started it.

Worker processes (the CLI's parallel runs, the language server's dataset pass) call
:func:`exit_with_parent` first: on Linux the kernel sends them SIGKILL when their parent
dies (``PR_SET_PDEATHSIG``), elsewhere a thread checks on the parent every second. So a
server killed with SIGKILL, or an editor that vanishes, leaves nothing behind; the
multiprocessing resource tracker then sees its pipe close and exits too.

On Linux the signal follows the *thread* that started the worker: start workers from a
thread that lives as long as the pool (the CLI and the server start them from the main
thread).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Callable

POLL = 1.0  # seconds between checks where the kernel cannot tell us


def exit_with_parent(parent: int) -> None:
    """Worker initializer: end this process when process ``parent`` ends."""
    if sys.platform.startswith("linux") and _parent_death_signal():
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)
        return
    if sys.platform == "win32":
        watch(lambda: pid_alive(parent), lambda: os._exit(1))
    else:  # an orphan is adopted by another process
        watch(lambda: os.getppid() == parent, lambda: os._exit(1))


def _parent_death_signal() -> bool:
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def watch(alive: Callable[[], bool], on_exit: Callable[[], None]) -> None:
    """Call ``on_exit`` (from a daemon thread) once ``alive()`` turns False."""
    def run() -> None:
        while alive():
            time.sleep(POLL)
        on_exit()

    threading.Thread(target=run, name="jsonl-lint-watch", daemon=True).start()


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    if os.path.exists("/proc/self/stat"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
        except (OSError, IndexError):
            return False
    try:  # no /proc (macOS, BSD): ask the kernel
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    except OSError:
        return False
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
    if not handle:
        return False
    try:
        return kernel32.WaitForSingleObject(handle, 0) == 0x00000102  # WAIT_TIMEOUT: still running
    finally:
        kernel32.CloseHandle(handle)
