"""The Ray backend: `jsonl-lint check --backend ray` (``pip install 'jsonl-lint[ray]'``).

Ray Core tasks over the same task functions as local processes:

* map: one Ray task per byte range, results fetched in task order (one at a time, so
  the driver holds one task's result, never all of them);
* shuffle: map tasks return their result plus one object per reduce partition
  (``num_returns``); the pieces stay in the cluster's object store and go straight
  to the reduce tasks, never through the driver.

The cluster is ``address`` (``--address``, ``address`` in the config), else the one
``RAY_ADDRESS`` names (set by ``ray job submit``), else a new local one.
"""

from __future__ import annotations

import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Sequence

from .backends import AHEAD, Backend
from .config import ConfigError


class RayBackend(Backend):
    def __init__(self, address: str | None = None):
        try:
            import ray
        except ImportError:
            raise ConfigError("--backend ray needs Ray: pip install 'jsonl-lint[ray]'") from None
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            address = address or os.environ.get("RAY_ADDRESS") or None
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False,
                         configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(f"cannot connect to the Ray cluster at {address}: {exc}") from None
            self._started = True
        self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._remote: dict[tuple[Callable, int], Any] = {}

    def _task(self, fn: Callable, returns: int = 1):
        key = (fn, returns)
        if key not in self._remote:
            self._remote[key] = self._ray.remote(num_returns=returns, max_retries=2)(fn)
        return self._remote[key]

    def map(self, fn: Callable, args: Iterable) -> Iterator:
        task, ahead = self._task(fn), AHEAD * self.workers
        running: deque = deque()  # the driver keeps no finished result, and builds arguments as needed
        for a in args:
            running.append(task.remote(a))
            if len(running) >= ahead:
                yield self._ray.get(running.popleft())
        while running:
            yield self._ray.get(running.popleft())

    def shuffle(self, fn: Callable, args: Sequence, parts: int) -> tuple[Iterator, list]:
        task = self._task(_split_returns, parts + 1)
        outs = [task.remote(fn, a) for a in args]
        pieces = [out[1:] if parts else [] for out in outs]

        def results():
            for i, out in enumerate(outs):
                yield self._ray.get(out[0] if parts else out)
                outs[i] = None

        return results(), pieces

    def start_reduce(self, fn: Callable, shuffled: Any, extra: Any) -> Callable[[], list]:
        parts = len(shuffled[0]) if shuffled else 0
        extra_ref = self._ray.put(extra)
        task = self._task(_reduce_task)
        refs = [task.remote(fn, extra_ref, *[pieces[p] for pieces in shuffled]) for p in range(parts)]
        return lambda: self._ray.get(refs)

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False


def _split_returns(fn: Callable, args):
    """A map task as Ray returns it: the result, then each piece as its own object."""
    result, pieces = fn(args)
    return (result, *pieces) if pieces else result


def _reduce_task(fn: Callable, extra, *pieces):
    return fn((list(pieces), extra))
