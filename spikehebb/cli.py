"""Command line: ``spikehebb run MODEL.toml`` and ``spikehebb compare MODEL.toml``.

Errors in model files or arguments print one line (file, key, what was
expected) and exit with code 2, leaving no output directory behind.
"""
import argparse
import logging
import os
import shutil
import sys
import time

from .model.errors import ModelError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise ModelError("arguments", message)


def _parser():
    p = _Parser(prog="spikehebb", description="Hebbian learning on spiking and rate networks.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a model file")
    run.add_argument("model", help="model file (.toml)")
    run.add_argument("--backend", default="spike", help="spike (Brian2) or rate")
    run.add_argument("--target", default=None, help="numpy, cython or cpp_standalone (spike backend)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a model file value, e.g. --set model.duration='10 s'")
    run.add_argument("--out", default=None, help="output directory (default runs/MODEL-TIMESTAMP)")
    run.add_argument("--quick", action="store_true", help="short run (quick_duration / small subset)")
    run.add_argument("--data", default=None, help="data directory (tasks that read data)")
    run.add_argument("--resume", default=None, metavar="DIR", help="continue an interrupted task run")
    run.add_argument("--weights-from", default=None, metavar="RUN_DIR",
                     help="classification: start from the weights a finished run saved (either backend)")
    run.add_argument("--evaluate", action="store_true", help="classification: only test (with --weights-from)")
    run.add_argument("--no-progress", action="store_true")
    cmp = sub.add_parser("compare", help="run a model on both backends and compare")
    cmp.add_argument("model")
    cmp.add_argument("--seed", type=int, default=0)
    cmp.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    cmp.add_argument("--out", default=None)
    cmp.add_argument("--quick", action="store_true")
    cmp.add_argument("--data", default=None, help="data directory (classification models)")
    cmp.add_argument("--target", default=None, help="Brian2 target of the spike side (classification: numpy or cython)")
    cmp.add_argument("--train-spike", action="store_true",
                     help="classification: also train the spiking network (slow)")
    cmp.add_argument("--no-progress", action="store_true")
    return p


def main(argv=None):
    """Entry point; returns the exit code."""
    logging.getLogger("brian2").setLevel(logging.ERROR)
    created = []
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "seed", 0) < 0:
            raise ModelError("--seed", f"must be a non-negative integer, got {args.seed}")
        if args.command == "run":
            return _run(args, created)
        return _compare(args, created)
    except ModelError as e:
        for d in created:
            shutil.rmtree(d, ignore_errors=True)
        print(f"spikehebb: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("spikehebb: interrupted; completed files and checkpoints are kept", file=sys.stderr)
        return 130


def _out_dir(args, model, created, resume=None):
    if resume:
        if not os.path.isdir(resume):
            raise ModelError("--resume", f"no such run directory: {resume}")
        return resume
    out = args.out or os.path.join("runs", f"{model.name}-{time.strftime('%Y%m%d-%H%M%S')}")
    if os.path.exists(os.path.join(out, "summary.json")):
        raise ModelError("--out", f"{out} already holds a finished run; choose another directory")
    if not os.path.isdir(out):
        os.makedirs(out)
        created.append(out)
    return out


def _run(args, created):
    from .model import load_model
    if args.backend not in ("spike", "rate"):
        raise ModelError("--backend", f"expected spike or rate, got {args.backend!r}")
    model = load_model(args.model, args.overrides, quick=args.quick, backend=args.backend)
    if (args.weights_from or args.evaluate) and model.task != "classification":
        raise ModelError("--weights-from" if args.weights_from else "--evaluate",
                         "only classification models load and evaluate saved weights")
    if args.weights_from and not os.path.isdir(args.weights_from):
        raise ModelError("--weights-from", f"no such run directory: {args.weights_from}")
    target = None
    if args.backend == "spike" and model.task is None:
        from .backends.brian2.device import check_target
        target = check_target(args.target)
    elif args.backend == "spike":
        target = args.target  # the task's builder picks and checks its target
    if args.resume and model.task is None:
        raise ModelError("--resume", "only task models (with a [task] table) checkpoint and resume")
    out = _out_dir(args, model, created, args.resume)
    t0 = time.perf_counter()
    if model.task is not None:
        result = _run_task(model, args, target, out)
    else:
        result = _run_network(model, args, target)
    wall = time.perf_counter() - t0
    # a task whose network exists for one backend only says which one it ran
    backend = result.info.pop("backend", args.backend)
    summary = {"model": model.name, "backend": backend, "target": result.info.pop("target", target),
               "seed": args.seed,
               "wall_seconds": round(wall, 3), "metrics": result.metrics}
    if result.info:
        summary["info"] = result.info
    from .results import save_result
    save_result(out, result, summary)
    created.clear()  # a finished run is kept
    _print_summary(summary, out)
    return 0


def _run_network(model, args, target):
    from .backends import simulate
    from .metrics import compute_metrics
    from .plots import figures_for
    net = model.network
    duration = net.run_duration(args.quick)
    result = simulate(net, args.backend, seed=args.seed, target=target, duration=duration,
                      progress=not args.no_progress)
    result.info["duration"] = float(duration)
    result.metrics.update(compute_metrics(net, result))
    result.figures.update(figures_for(net, result))
    return result


def _run_task(model, args, target, out):
    from .tasks import Context, get_task
    ctx = Context(backend=args.backend, target=target, seed=args.seed, out_dir=out, quick=args.quick,
                  data_dir=args.data, resume=bool(args.resume), progress=not args.no_progress,
                  model_name=model.name, network=model.network, weights_from=args.weights_from,
                  evaluate=args.evaluate)
    return get_task(model.task).run(model.task_params, ctx)


def _compare(args, created):
    from .compare import compare
    from .model import load_model
    model = load_model(args.model, args.overrides, quick=args.quick)
    if model.task == "classification":
        return _compare_classifier(args, model, created)
    if model.network is None:
        raise ModelError("task", "compare runs network models and classification tasks; this file describes "
                                 f"a {model.task} task")
    if args.train_spike:
        raise ModelError("--train-spike", "only for classification models")
    out = _out_dir(args, model, created)
    report = compare(model, seed=args.seed, out_dir=out, quick=args.quick, progress=not args.no_progress)
    created.clear()
    _print_compare(report, ("spike", "rate", "agreement"), out)
    return 0


def _compare_classifier(args, model, created):
    from .model import load_model
    from .tasks import Context
    from .tasks.mnist.compare import compare_classifier
    out = _out_dir(args, model, created)
    ctx = Context(seed=args.seed, target=args.target, out_dir=out, quick=args.quick, data_dir=args.data,
                  progress=not args.no_progress, model_name=model.name)
    report = compare_classifier(lambda b: load_model(args.model, args.overrides, quick=args.quick, backend=b),
                                ctx, train_spike=args.train_spike)
    created.clear()
    _print_compare(report, [k for k in report if k != "agreement"] + ["agreement"], out)
    return 0


def _print_compare(report, sides, out):
    for side in sides:
        print(f"{side}:", ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                    for k, v in report.get(side, {}).items()))
    print(f"written: {os.path.join(out, 'compare.json')}")


def _print_summary(summary, out):
    print(f"model {summary['model']} | backend {summary['backend']} | target {summary['target']} | "
          f"seed {summary['seed']} | {summary['wall_seconds']:.1f} s")
    for k, v in summary["metrics"].items():
        print(f"  {k:32s} {v:.4g}" if isinstance(v, (int, float)) else f"  {k:32s} {v}")
    print(f"written: {out}")


if __name__ == "__main__":
    sys.exit(main())
