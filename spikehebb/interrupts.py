"""SIGINT and SIGTERM end a command-line run as an interrupted run, never as a finished one.

Only the command line installs these handlers (a library user keeps their
own). A handler raises :class:`Interrupted`, which unwinds through whatever is
running: a Python loop (rate backend, runtime Brian2 targets), a compiler or a
standalone binary (their ``subprocess`` waits kill the child on any exception,
see :func:`spikehebb.backends.brian2.device.run_standalone`).

A process started with SIGINT ignored (``nohup``, a script's background job)
keeps ignoring it, as the shell asked. Brian2 wraps the SIGINT disposition it
finds at import in its own handler, which calls the wrapped one; with SIG_IGN
wrapped that call crashes, so the original disposition is recovered from the
wrapper and put back.
"""
import signal

#: exit status of a run ended by a signal, as shells report it (128 + signal number)
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
_original = {}


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread when SIGINT or SIGTERM arrives during a command-line run."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self):
        return signal.Signals(self.signum).name

    @property
    def exit_code(self):
        return EXIT_CODES.get(self.signum, 128 + self.signum)


class RunIncomplete(RuntimeError):
    """A simulation returned before its duration (stopped by a simulator's own handler, say).

    Such a run is treated as interrupted: it never gets a summary.
    """


def _handler(signum, frame):
    # further signals while unwinding would interrupt the clean-up itself
    for sig in EXIT_CODES:
        if _original.get(sig) is not signal.SIG_IGN:
            signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


def remember():
    """Record the dispositions the process was started with (call before importing Brian2)."""
    for sig in EXIT_CODES:
        current = signal.getsignal(sig)
        # Brian2's SIGINT wrapper keeps what it replaced
        _original.setdefault(sig, getattr(current, "previous_handler", current))


def install():
    """Raise :class:`Interrupted` on SIGINT (unless it was ignored at start) and SIGTERM.

    Returns a function that puts the previous handlers back.
    """
    remember()
    previous = {sig: signal.getsignal(sig) for sig in EXIT_CODES}
    for sig in EXIT_CODES:
        signal.signal(sig, signal.SIG_IGN if _original[sig] is signal.SIG_IGN else _handler)

    def restore():
        for sig, h in previous.items():
            signal.signal(sig, h if h is not None else signal.SIG_DFL)
    return restore


def stop_children(grace=3.0):
    """Terminate every process this one started and that still runs (a compiler started by
    Brian2's Cython build, say): they would outlive the run and hold its output open."""
    import psutil
    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
