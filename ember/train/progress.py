"""The progress display of ``fit``: a tqdm bar when tqdm is installed, plain lines otherwise."""
from __future__ import annotations

import sys
import time


def format_logs(logs: dict) -> str:
    return "  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                     for k, v in logs.items())


class Progress:
    """Shows epoch, iteration, running loss and metrics; one summary line per epoch.

    Args:
        verbose: 0 silent, 1 a live bar (tqdm, else a line rewritten in place on a
            terminal), 2 only the summary line of each epoch.
        refresh: iterations between two updates of the bar's figures.
    """

    def __init__(self, epochs: int, verbose: int = 1, refresh: int = 10, stream=None):
        self.epochs, self.verbose, self.refresh = epochs, int(verbose), max(1, refresh)
        self.stream = stream or sys.stdout
        self.bar = None
        self.total = None
        self.start = 0.0

    def _tty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def epoch_begin(self, epoch: int, total: int | None) -> None:
        self.start = time.perf_counter()
        self.total = total
        if self.verbose != 1 or not self._tty():
            return  # a pipe or a log file gets the summary lines only
        try:
            from tqdm.auto import tqdm
        except ImportError:  # optional: a plain line instead
            self.bar = None
            return
        self.bar = tqdm(total=total, desc=f"epoch {epoch + 1}/{self.epochs}", unit="it",
                        leave=False, dynamic_ncols=True, file=self.stream)

    def batch_end(self, iteration: int, logs: dict) -> None:
        if self.verbose != 1 or (iteration + 1) % self.refresh and iteration + 1 != self.total:
            return
        if self.bar is not None:
            self.bar.update(iteration + 1 - self.bar.n)
            self.bar.set_postfix_str(format_logs(logs), refresh=False)
        elif self._tty():
            total = "?" if self.total is None else self.total
            self.stream.write(f"\r  {iteration + 1}/{total}  {format_logs(logs)}")
            self.stream.flush()

    def epoch_end(self, epoch: int, iterations: int, logs: dict) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.verbose == 1 and self._tty():
            self.stream.write("\r")
        if self.verbose:
            seconds = time.perf_counter() - self.start
            print(f"epoch {epoch + 1}/{self.epochs}  {iterations} it  {seconds:.1f}s  "
                  f"{format_logs(logs)}", file=self.stream, flush=True)
