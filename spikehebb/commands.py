"""``spikehebb run`` and ``spikehebb compare``: checks, run directory, run, summary."""
import contextlib
import json
import os
import sys
import tempfile
import time

from . import provenance as prov
from . import rundir
from .backends.base import check_backend, check_options
from .errors import ModelError


@contextlib.contextmanager
def _naming(path):
    """An error about one of the model file's keys found while it runs (a description the
    backend refuses) names the file, as the loader's errors do."""
    try:
        yield
    except ModelError as e:
        from .model.loader import FILE_SECTIONS
        if e.file is None and e.where.split(".")[0].split("[")[0] in FILE_SECTIONS:
            e.file = path
        raise


def _not_for(option, why):
    raise ModelError(option, why)


def run(args, argv, state):
    """``spikehebb run``; returns the exit code."""
    from .model import load_model
    started = prov.now()
    if args.from_run:
        model = _load_from(args)
    else:
        if not args.model:
            raise ModelError("arguments", "a model file is required (or --from RUN_DIR)")
        check_backend(args.backend)
        check_options(args.backend, args.target, resolve=False)  # before loading, which imports Brian2
        model = load_model(args.model, args.overrides, quick=args.quick, backend=args.backend)
    params = _task_params(model)
    _check_options(args, model)
    # a task's builder picks and checks its own target
    target = check_options(args.backend, args.target, resolve=model.task is None)
    if model.network is not None:
        from .model.resources import check_resources
        duration = model.network.run_duration(args.quick) if model.task is None else None
        check_resources(model.network, args.backend, allow_coarse_dt=args.allow_coarse_dt, duration=duration,
                        file=model.path)
    state.start()
    marker = {"model": model.name, "model_hash": prov.model_hash(model), "backend": args.backend,
              "seed": args.seed, "started": started}
    if args.resume:
        out = state.out = rundir.check_resume(args.resume, marker)
        from .tasks import get_task
        check_resume = getattr(get_task(model.task), "check_resume", None)
        if check_resume is not None:  # a bad checkpoint is found before anything is built
            check_resume(out, marker["model_hash"])
    else:
        out = args.out or os.path.join("runs", f"{model.name}-{time.strftime('%Y%m%d-%H%M%S')}")
        state.out = rundir.prepare(out, marker, state.created)
    t0 = time.perf_counter()
    with _naming(model.path):
        if model.task is not None:
            result = _run_task(model, params, args, target, out, marker["model_hash"])
        else:
            result = _run_network(model, args, target)
    wall = time.perf_counter() - t0
    # a task whose network exists for one backend only says which one it ran
    backend = result.info.pop("backend", args.backend)
    target = result.info.pop("target", target)
    summary = {"model": model.name, "backend": backend, "target": target, "seed": args.seed,
               "wall_seconds": round(wall, 3), "metrics": result.metrics}
    if result.info:
        summary["info"] = result.info
    summary["provenance"] = prov.provenance(model, args, argv, target, started)
    from .results import save_result
    save_result(out, result, summary)
    state.created.clear()  # a finished run is kept
    state.out = None
    _print_summary(summary, out)
    return 0


def _task_params(model):
    """A task model's validated parameters (None for a network model): bad ones fail before anything is made."""
    if model.task is None:
        return None
    from .tasks import resolve
    return resolve(model)


def _check_options(args, model):
    """Options that the chosen backend or model would silently ignore are errors."""
    check_options(args.backend, args.target, resolve=False)
    if args.data and model.task != "classification":
        _not_for("--data", f"only classification models read a data set; {model.name} does not")
    if args.resume and model.task is None:
        _not_for("--resume", "only task models (with a [task] table) checkpoint and resume")
    if (args.weights_from or args.evaluate) and model.task != "classification":
        _not_for("--weights-from" if args.weights_from else "--evaluate",
                 "only classification models load and evaluate saved weights")
    if args.evaluate and not args.weights_from:
        _not_for("--evaluate", "needs --weights-from RUN_DIR (the weights to evaluate)")
    if args.weights_from and args.resume:
        _not_for("--weights-from", "cannot be combined with --resume (the checkpoint holds the weights)")
    if args.weights_from and not os.path.isdir(args.weights_from):
        _not_for("--weights-from", f"no such run directory: {args.weights_from}")


def _load_from(args):
    """The model and options a finished run's ``summary.json`` describes (``--from``)."""
    from .model import load_model
    given = [o for o, v in (("MODEL", args.model), ("--set", args.overrides), ("--resume", args.resume),
                            ("--quick", args.quick), ("--data", args.data), ("--target", args.target),
                            ("--weights-from", args.weights_from), ("--evaluate", args.evaluate),
                            ("--seed", args.seed), ("--backend", args.backend != "spike"),
                            ("--allow-coarse-dt", args.allow_coarse_dt)) if v]
    if given:
        raise ModelError(given[0], "cannot be combined with --from, which re-runs the summary's own options")
    path = os.path.join(args.from_run, rundir.SUMMARY)
    try:
        with open(path) as fh:
            summary = json.load(fh)
        p = summary["provenance"]
        opts, text = p["options"], p["model"]
    except FileNotFoundError:
        raise ModelError("--from", f"{args.from_run} holds no finished run ({rundir.SUMMARY} missing)") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelError("--from", f"{path} has no provenance to re-run from") from None
    for key in prov.RUN_OPTIONS:
        setattr(args, key, opts.get(key, getattr(args, key)))
    args.target = p.get("target") if args.backend == "spike" else None
    with tempfile.TemporaryDirectory() as tmp:
        file = os.path.join(tmp, f"{summary.get('model', 'model')}.toml")
        with open(file, "w") as fh:
            fh.write(text)
        model = load_model(file)  # resolved: no backend table, [quick] or --set left to apply
    model.path = p.get("model_path") or model.path
    args.overrides = list(p.get("overrides", []))  # recorded again in the new provenance
    return model


def _run_network(model, args, target):
    from .backends import simulate
    net = model.network
    duration = net.run_duration(args.quick)
    result = simulate(net, args.backend, seed=args.seed, target=target, duration=duration,
                      progress=not args.no_progress)
    result.info["duration"] = float(duration)
    result.note_network(net)  # units and sizes for readers of results.npz (export)
    from .metrics import compute_metrics
    from .plots import figures_for
    result.metrics.update(compute_metrics(net, result))
    result.figures.update(figures_for(net, result))
    return result


def _run_task(model, params, args, target, out, model_hash):
    from .tasks import Context, get_task
    ctx = Context(backend=args.backend, target=target, seed=args.seed, out_dir=out, quick=args.quick,
                  data_dir=args.data, resume=bool(args.resume), progress=not args.no_progress,
                  model_name=model.name, network=model.network, weights_from=args.weights_from,
                  evaluate=args.evaluate)
    ctx.model_hash = model_hash
    return get_task(model.task).run(params, ctx)


def compare(args, state):
    """``spikehebb compare``; returns the exit code.

    A network model runs on both backends (:mod:`spikehebb.compare`); a task
    model goes to its task's ``compare`` (see :mod:`spikehebb.tasks`).
    """
    from .model import load_model
    model = load_model(args.model, args.overrides, quick=args.quick)
    task_compare = _task_compare(model, args)
    state.start()
    marker = {"model": model.name, "model_hash": prov.model_hash(model), "backend": "compare",
              "seed": args.seed, "started": prov.now()}
    out = args.out or os.path.join("runs", f"{model.name}-{time.strftime('%Y%m%d-%H%M%S')}")
    state.out = rundir.prepare(out, marker, state.created)
    with _naming(model.path):
        if task_compare is not None:
            from .tasks import Context, load_task
            ctx = Context(seed=args.seed, target=args.target, out_dir=out, quick=args.quick, data_dir=args.data,
                          progress=not args.no_progress, model_name=model.name)
            report = task_compare(lambda b: load_task(args.model, args.overrides, quick=args.quick, backend=b),
                                  ctx, args)
        else:
            report = _compare_network(args, out)
    state.created.clear()
    state.out = None
    for side in [k for k in report if k != "agreement"] + ["agreement"]:
        print(f"{side}:", ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                    for k, v in report.get(side, {}).items()))
    print(f"written: {os.path.join(out, 'compare.json')}")
    return 0


#: ``spikehebb compare`` options that only a task's own ``compare`` reads
TASK_COMPARE_OPTIONS = ("--train-spike", "--data")


def _task_compare(model, args):
    """The task's ``compare`` function (None for a network model), once the options are checked."""
    if model.task is None:
        fn, accepted, why = None, (), "only for task models whose task compares backends"
    else:
        from .tasks import get_task
        _task_params(model)  # bad parameters fail before anything is made
        module = get_task(model.task)
        fn, accepted = getattr(module, "compare", None), getattr(module, "COMPARE_OPTIONS", ())
        if fn is None:
            raise ModelError("task", "compare runs network models and tasks that define a comparison; this "
                                     f"file describes a {model.task} task, which does not")
        why = f"not read by the {model.task} task's comparison"
    for option in TASK_COMPARE_OPTIONS:
        if getattr(args, option[2:].replace("-", "_")) and option not in accepted:
            _not_for(option, why)
    return fn


def _compare_network(args, out):
    from .compare import compare as compare_network
    from .model import load_model
    from .model.resources import check_resources
    models = {b: load_model(args.model, args.overrides, quick=args.quick, backend=b) for b in ("spike", "rate")}
    for b, m in models.items():
        check_resources(m.network, b, allow_coarse_dt=args.allow_coarse_dt,
                        duration=m.network.run_duration(args.quick), file=m.path)
    return compare_network(models["spike"], seed=args.seed, out_dir=out, quick=args.quick,
                           progress=not args.no_progress, target=args.target, rate_model=models["rate"])


def _print_summary(summary, out):
    print(f"model {summary['model']} | backend {summary['backend']} | target {summary['target']} | "
          f"seed {summary['seed']} | {summary['wall_seconds']:.1f} s")
    for k, v in summary["metrics"].items():
        print(f"  {k:32s} {v:.4g}" if isinstance(v, (int, float)) else f"  {k:32s} {v}")
    print(f"written: {out}")


SWEEP_MARKER = ".spikehebb-sweep"


def sweep(args, state):
    """``spikehebb sweep``; returns the exit code (1 when a point failed)."""
    from .model import load_model
    from .sweep import PASS_THROUGH, parse_seeds, run_sweep, split_values
    sets = [split_values(s) for s in args.sets]
    seeds = parse_seeds(args.seeds)
    check_backend(args.backend)
    if args.workers is not None and args.workers < 1:
        raise ModelError("--workers", f"expected at least 1, got {args.workers}")
    if args.workers is not None and args.scheduler:
        raise ModelError("--workers", "applies to the local cluster only; the scheduler has its own workers")
    import itertools
    for combo in itertools.product(*[v for _, v in sets]):  # every point's model is valid before any runs
        model = load_model(args.model, [f"{k}={v}" for (k, _), v in zip(sets, combo)], quick=args.quick,
                           backend=args.backend)
        _task_params(model)
        _check_options(_as_run(args), model)
    if args.data:
        args.data = os.path.abspath(args.data)  # workers may run elsewhere
    state.start()
    options = [a for flag, takes in PASS_THROUGH for a in _flag(args, flag, takes)]
    spec = {"model": os.path.abspath(args.model), "sets": [[k, v] for k, v in sets], "seeds": seeds,
            "options": options}
    _prepare_sweep_dir(args.out, spec, state)
    state.on_interrupt = f"; finished points are kept in {args.out}; the same command resumes the sweep"
    table = run_sweep(args.model, sets, seeds, args.out, options, workers=args.workers, scheduler=args.scheduler,
                      progress=not args.no_progress)
    state.created.clear()  # a sweep directory is kept, finished or not
    failed = [r for r in table if r.get("status") == "failed"]
    done = len(table) - len(failed)
    print(f"{done} of {len(table)} points finished ({sum(r.get('status') == 'kept' for r in table)} kept from "
          f"before); written: {os.path.join(args.out, 'sweep.json')}, sweep.csv")
    for r in failed:
        print(f"  {r['point']} failed: {r['error']}", file=sys.stderr)
    return 1 if failed else 0


def _as_run(args):
    import argparse
    return argparse.Namespace(backend=args.backend, target=args.target, data=args.data, resume=None,
                              weights_from=None, evaluate=False)


def _flag(args, flag, takes):
    value = getattr(args, flag[2:].replace("-", "_"))
    if takes:
        return [flag, str(value)] if value is not None and not (flag == "--backend" and value == "spike") else []
    return [flag] if value else []


def _prepare_sweep_dir(out, spec, state):
    """A new or empty directory, or one holding the same sweep (resumed)."""
    marker = os.path.join(out, SWEEP_MARKER)
    if os.path.exists(out) and not os.path.isdir(out):
        raise ModelError("--out", f"{out} is a file; expected a directory for the sweep")
    if os.path.isdir(out) and os.listdir(out):
        try:
            with open(marker) as fh:
                old = json.load(fh)
        except (OSError, ValueError):
            raise ModelError("--out", f"{out} is not empty and not a spikehebb sweep directory") from None
        if old != spec:
            raise ModelError("--out", f"{out} holds another sweep (other model, values, seeds or options); "
                                      "choose another directory")
        return
    rundir.prepare(out, spec, state.created, name=SWEEP_MARKER)
