"""Command line: ``spikehebb run|compare|export|models``.

Bad input (model file, option, output directory, checkpoint) prints one line
naming the file or option and what was expected, exits with code 2 and leaves
nothing behind. SIGINT / SIGTERM end a run with 130 / 143 and no
``summary.json``; checkpoints are kept. Any other failure prints one line and
the path of a log holding the traceback, exit code 1.
"""
import argparse
import importlib
import logging
import os
import sys
import tempfile
import time
import traceback

from . import __version__, interrupts
from .errors import ModelError

EXIT_USAGE, EXIT_FAILED = 2, 1


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise ModelError("arguments", message)


class _Help(argparse.HelpFormatter):
    """Shows each option's default where it has one worth showing."""

    def _get_help_string(self, action):
        text = action.help or ""
        d = action.default
        shown = not (d is None or d is False or d == [] or d is argparse.SUPPRESS)  # 0 is shown, False not
        if shown and "default" not in text:
            text += " (default: %(default)s)"
        return text


def _parser():
    fmt = _Help
    p = _Parser(prog="spikehebb", description="Hebbian learning on spiking and rate networks.",
                formatter_class=fmt)
    p.add_argument("--version", action="version", version=f"spikehebb {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a model file", formatter_class=fmt)
    run.add_argument("model", nargs="?", help="model file (.toml); omit with --from")
    run.add_argument("--from", dest="from_run", default=None, metavar="RUN_DIR",
                     help="re-run exactly what RUN_DIR/summary.json describes")
    _common(run)
    run.add_argument("--backend", default="spike", help="spike (Brian2) or rate")
    run.add_argument("--resume", default=None, metavar="DIR", help="continue an interrupted task run")
    run.add_argument("--weights-from", default=None, metavar="RUN_DIR",
                     help="classification: start from the weights a finished run saved (either backend)")
    run.add_argument("--evaluate", action="store_true", help="classification: only test (with --weights-from)")
    run.add_argument("--allow-coarse-dt", action="store_true",
                     help="accept a dt that is large against the model's time constants or input rates")
    cmp = sub.add_parser("compare", help="run a model on both backends and compare", formatter_class=fmt)
    cmp.add_argument("model", help="model file (.toml)")
    _common(cmp)
    cmp.add_argument("--train-spike", action="store_true",
                     help="classification: also train the spiking network (slow)")
    cmp.add_argument("--allow-coarse-dt", action="store_true",
                     help="accept a dt that is large against the model's time constants or input rates")
    exp = sub.add_parser("export", help="write a finished run as NWB, NIX or a Neo pickle", formatter_class=fmt)
    exp.add_argument("run_dir", metavar="RUN_DIR")
    exp.add_argument("--format", default="nwb", help="nwb, nix or neo-pickle")
    exp.add_argument("--out", required=True, metavar="FILE", help="file to write")
    sw = sub.add_parser("sweep", help="run a model over parameter values and seeds on Dask workers",
                        formatter_class=fmt)
    sw.add_argument("model", help="model file (.toml)")
    sw.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=V1,V2,...",
                    help="values of one parameter (repeatable: the sweep is the product)")
    sw.add_argument("--seeds", default="0", help="seeds, e.g. 0-9 or 0,3,5")
    sw.add_argument("--workers", type=int, default=None,
                    help="worker processes of the local Dask cluster (default: one per core)")
    sw.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="a running Dask scheduler (dask scheduler / dask worker) instead of a local cluster")
    sw.add_argument("--out", required=True, help="sweep directory: one run folder per point, sweep.json, sweep.csv")
    sw.add_argument("--backend", default="spike", help="spike (Brian2) or rate")
    sw.add_argument("--target", default=None, help="Brian2 target of the spike backend")
    sw.add_argument("--quick", action="store_true", help="the model's short variant ([quick] table)")
    sw.add_argument("--data", default=None, help="data directory (classification models)")
    sw.add_argument("--allow-coarse-dt", action="store_true", help="as for run")
    sw.add_argument("--no-progress", action="store_true", help="no progress bar")
    sub.add_parser("models", help="list the bundled model files", formatter_class=fmt)
    cache = sub.add_parser("cache", help="show or empty the cache of compiled standalone builds",
                           formatter_class=fmt)
    cache.add_argument("action", choices=("info", "clear"))
    return p


def _common(p):
    p.add_argument("--target", default=None,
                   help="Brian2 target of the spike backend: numpy, cython or cpp_standalone "
                        "(default: cpp_standalone where a C++ compiler exists, else numpy)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random number of the run")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a model file value, e.g. --set model.duration='10 s' (repeatable)")
    p.add_argument("--out", default=None, help="output directory (default: runs/MODEL-TIMESTAMP)")
    p.add_argument("--quick", action="store_true", help="the model's short variant ([quick] table)")
    p.add_argument("--data", default=None, help="data directory (classification models)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


class _State:
    """What a failing command must clean up, and the start of its work (:meth:`start`)."""

    def __init__(self):
        self.created, self.out = [], None
        self.on_interrupt = None  # what to say instead of the run directory's fate
        self.restore = None  # puts back the signal handlers start() replaced

    def start(self):
        """Called by a command once its input is checked, before it makes anything.

        Imports Brian2, installs the SIGINT / SIGTERM handlers and picks the
        plotting backend. Deferred to here so that bad input is reported
        without Brian2's import (about two CPU seconds). Brian2 comes first,
        even for the rate backend: its import wraps the SIGINT handler it
        finds, so it must not come after ours.
        """
        if self.restore is not None:
            return
        importlib.import_module("brian2")
        logging.getLogger("brian2").setLevel(logging.ERROR)  # after Brian2's import, which sets its own level
        self.restore = interrupts.install()
        _pick_matplotlib_backend()


def main(argv=None):
    """Entry point; returns the exit code."""
    interrupts.remember()  # before Brian2's import wraps the SIGINT disposition
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.getLogger("brian2").setLevel(logging.ERROR)
    state = _State()
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "seed", 0) < 0:
            raise ModelError("--seed", f"must be a non-negative integer, got {args.seed}")
        if args.command == "models":
            from .catalogue import print_models
            return print_models()
        if args.command == "cache":
            from .backends.base import cache_command
            return cache_command(args.action)
        if args.command == "export":
            from .export import export_run
            print(f"written: {export_run(args.run_dir, args.format, args.out)}")
            return 0
        if args.command == "run":
            from .commands import run
            return run(args, argv, state)
        if args.command == "sweep":
            from .commands import sweep
            return sweep(args, state)
        from .commands import compare
        return compare(args, state)
    except ModelError as e:
        _discard(state, remove_all=True)
        print(f"spikehebb: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, interrupts.RunIncomplete) as e:
        interrupts.stop_children()
        kept = _discard(state)
        what = f"interrupted ({e.name})" if isinstance(e, interrupts.Interrupted) else (
            "interrupted" if isinstance(e, KeyboardInterrupt) else f"stopped early: {e}")
        where = (state.on_interrupt if state.on_interrupt else
                 f"; kept {', '.join(kept)} in {state.out} (continue with --resume {state.out})" if kept
                 else "; no results written")
        print(f"spikehebb: {what}{where}", file=sys.stderr)
        return e.exit_code if isinstance(e, interrupts.Interrupted) else 130
    except Exception as e:  # noqa: BLE001  the one place that turns any failure into one line
        interrupts.stop_children()
        _discard(state)
        log = _log_traceback()
        print(f"spikehebb: failed: {type(e).__name__}: {_first_line(e)} (traceback in {log})", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if state.restore is not None:
            state.restore()


def _discard(state, remove_all=False):
    import shutil
    from .rundir import discard_unfinished
    if remove_all:  # bad input: nothing of value was made
        for d in state.created:
            shutil.rmtree(d, ignore_errors=True)
        return []
    kept = discard_unfinished(state.out, made_here=state.out in state.created)
    for d in state.created:  # a parent this run made (runs/), if left empty
        if d != state.out and os.path.isdir(d) and not os.listdir(d):
            os.rmdir(d)
    return kept


def _first_line(e):
    text = str(e).strip().splitlines()
    return text[0] if text else ""


def _log_traceback():
    fd, path = tempfile.mkstemp(prefix=f"spikehebb-error-{time.strftime('%Y%m%d-%H%M%S')}-", suffix=".log")
    with os.fdopen(fd, "w") as fh:
        fh.write(f"spikehebb {__version__}: {' '.join(sys.argv)}\n")
        traceback.print_exc(file=fh)
    return path


def _pick_matplotlib_backend():
    # the command line draws to files; only it picks a backend (a user's MPLBACKEND wins)
    if not os.environ.get("MPLBACKEND"):
        import matplotlib
        matplotlib.use("Agg")


if __name__ == "__main__":
    sys.exit(main())
