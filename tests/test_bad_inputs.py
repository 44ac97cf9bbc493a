"""Bad input through the real command line: one line naming the culprit, exit code 2, nothing left behind.

Every case runs ``python -m spikehebb ...`` in a fresh directory of its own (the
working directory, with ``TMPDIR`` inside it), holding only the inputs the case
made. Each test then asserts: exit code 2; stderr is exactly one line,
``spikehebb: error: ...``, naming the culprit (file, key or option); no
traceback; and the directory afterwards is what it was before, byte for byte
(no run directory, no log, no temporary file, a given ``--out`` or ``--resume``
directory untouched).

Each process spends about a second importing Brian2 and checking its input,
so all cases are launched once per session, two at a time, and each
parametrised test reads its case's result.
"""
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import MODELS, ROOT, TINY_MODEL

DATA = Path(os.environ.get("SPIKEHEBB_DATA", ROOT.parent / "shared" / "data" / "mnist"))
WORKERS = 2

TINY = TINY_MODEL  # the CLI tests' model

SHALLOW = str(MODELS / "hebbian_mnist_shallow.toml")
HOPFIELD = str(MODELS / "hopfield_random.toml")
CONDITIONING = str(MODELS / "conditioning.toml")  # a task without a network and without a comparison


@dataclass
class Case:
    """One bad command line.

    ``args`` follow ``spikehebb``; the case's setup makes ``files`` (name ->
    text or bytes; a name ending in ``/`` is a directory) and then calls
    ``setup(dir)``. ``culprit`` must appear in the error line, as must ``what``.
    """

    args: list
    culprit: str
    what: str = ""
    files: dict = field(default_factory=dict)
    setup: object = None
    needs_data: bool = False


def tiny(text=TINY, **changes):
    """TINY with ``old -> new`` replacements given as ``changes={"old": "new"}`` pairs."""
    for old, new in changes.get("replace", {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return {"m.toml": text + changes.get("append", "")}


def run_tiny(*extra, **changes):
    """``run m.toml --target numpy ...`` on TINY (changed)."""
    return dict(args=["run", "m.toml", "--target", "numpy", "--no-progress", *extra], files=tiny(**changes))


def _edit(old, new):
    return {"replace": {old: new}}


# --- run directories with a marker and a checkpoint, made as spikehebb makes them ---------

def _marker(path, model=SHALLOW, overrides=(), quick=True, backend="rate", seed=0, model_hash=None):
    from spikehebb import provenance
    from spikehebb.model import load_model
    m = load_model(model, list(overrides), quick=quick, backend=backend)
    os.makedirs(path, exist_ok=True)
    marker = {"model": m.name, "model_hash": model_hash or provenance.model_hash(m), "backend": backend,
              "seed": seed}
    (Path(path) / ".spikehebb-run").write_text(json.dumps(marker))
    return marker


def _checkpoint(path, model_hash):
    import numpy as np
    from spikehebb.tasks.mnist.training import save_checkpoint
    save_checkpoint(str(path), {"W/image_to_hidden": np.ones((784, 50))}, {"train_error": [0.5]},
                    np.random.default_rng(0), {"seed": 0}, 1, model_hash=model_hash)
    return Path(path) / "checkpoint.npz"


def resume_with(kind):
    """A run directory ``r`` of the quick rate shallow model whose checkpoint is ``kind``."""
    def setup(d):
        marker = _marker(d / "r")
        if kind == "missing":
            return
        ck = _checkpoint(d / "r", "0" * 64 if kind == "foreign" else marker["model_hash"])
        if kind == "truncated":
            ck.write_bytes(ck.read_bytes()[: ck.stat().st_size // 2])
        elif kind == "garbage":
            ck.write_bytes(b"this is not a numpy archive\n" * 10)
    return setup


def finished_run(d, name="r", **kw):
    _marker(d / name, **kw)
    (d / name / "summary.json").write_text("{}")


RESUME = ["run", SHALLOW, "--backend", "rate", "--quick", "--no-progress", "--data", str(DATA), "--resume", "r"]
UNWRITABLE = "/sys/spikehebb-out" if os.geteuid() == 0 else "ro/out"  # root writes through permissions


def _read_only(d):
    if os.geteuid() != 0:
        (d / "ro").mkdir()
        (d / "ro").chmod(0o555)


CASES = {
    # --- the model file itself -------------------------------------------------------
    "missing_file": Case(["run", "nope.toml"], "nope.toml", "no such model file"),
    "directory_as_model": Case(["run", "dir.toml"], "dir.toml", "is a directory", files={"dir.toml/": None}),
    "binary_file": Case(["run", "m.toml"], "m.toml", "not a text file",
                        files={"m.toml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"}),
    "nul_bytes": Case(["run", "m.toml"], "m.toml", "not a text file", files={"m.toml": b"\x00" * 100}),
    "latin1_text": Case(["run", "m.toml"], "m.toml", "UTF-8",
                        files={"m.toml": ("# r\u00e9seau\n" + TINY).encode("latin-1")}),
    "empty_file": Case(["run", "m.toml"], "m.toml", "populations", files={"m.toml": ""}),
    "invalid_toml": Case(**run_tiny(**_edit("[record]", "[record")), culprit="m.toml", what="not valid TOML"),
    "unknown_section": Case(**run_tiny(append="[plasticity]\nx = 1\n"), culprit="plasticity"),
    "unknown_key": Case(**run_tiny(**_edit("n = 2\n", 'n = 2\ntau_memb = "20 ms"\n')),
                        culprit="populations.out.tau_memb", what="unknown key"),
    "missing_unit": Case(**run_tiny(**_edit("n = 2\n", "n = 2\ntau_m = 20\n")),
                         culprit="populations.out.tau_m", what="missing unit"),
    "wrong_dimension": Case(**run_tiny(**_edit('rate = "20 Hz"', 'rate = "20 mV"')),
                            culprit="populations.inp.rate", what="wrong unit"),
    "negative_tau": Case(**run_tiny(**_edit("n = 2\n", 'n = 2\ntau_m = "-5 ms"\n')),
                         culprit="populations.out.tau_m", what="must be positive"),
    "nan_number": Case(**run_tiny(**_edit('type = "pair_stdp"', 'type = "pair_stdp"\na_plus = nan')),
                       culprit="projections.ff.rule.a_plus"),
    "overflowing_quantity": Case(**run_tiny(**_edit("n = 2\n", 'n = 2\ntau_m = "1e999 ms"\n')),
                                 culprit="populations.out.tau_m", what="finite"),
    "count_as_string": Case(**run_tiny(**_edit("n = 2\n", 'n = "two"\n')),
                            culprit="populations.out.n", what="expected an integer"),
    "bad_reference": Case(**run_tiny(**_edit('post = "out"', 'post = "outt"')),
                          culprit="projections.ff.post", what="no population"),
    "record_unknown_population": Case(**run_tiny(**_edit('spikes = ["out"]', 'spikes = ["nope"]')),
                                      culprit="record.spikes"),
    "unknown_rule": Case(**run_tiny(**_edit('type = "pair_stdp"', 'type = "pair_stpd"')),
                         culprit="projections.ff.rule.type", what="unknown plasticity rule"),
    "plastic_without_w_max": Case(**run_tiny(**_edit('w_max = "400 pA"\n', "")), culprit="projections.ff.w_max"),
    "w_init_above_w_max": Case(**run_tiny(**_edit('w_init = "200 pA"', 'w_init = "500 pA"')),
                               culprit="projections.ff.w_init"),
    "probability_above_one": Case(**run_tiny(**_edit('post = "out"',
                                                     'post = "out"\nconnectivity = "fixed_probability"\np = 1.5')),
                                  culprit="projections.ff.p"),
    "indices_out_of_range": Case(**run_tiny(**_edit('post = "out"',
                                                    'post = "out"\nconnectivity = "indices"\ni = [0, 25]\nj = [0, 1]')),
                                 culprit="projections.ff.i", what="out of range"),
    "dt_not_below_duration": Case(**run_tiny(**_edit('duration = "200 ms"', 'duration = "200 ms"\ndt = "1 s"')),
                                  culprit="model.dt", what="shorter than duration"),
    "model_not_a_table": Case(["run", "m.toml"], "model", "expected a table",
                              files={"m.toml": 'model = 3\n' + TINY.replace('[model]\nname = "tiny"\n'
                                                                            'duration = "200 ms"\n'
                                                                            'quick_duration = "50 ms"\n', "")}),
    "no_populations": Case(["run", "m.toml"], "populations", files={"m.toml": '[model]\nname = "x"\n'}),
    "unknown_task": Case(["run", "m.toml"], "task.type", "unknown task", files={"m.toml": '[task]\ntype = "sudoku"\n'}),
    "unknown_task_key": Case(["run", "m.toml"], "task.epoch", "unknown key",
                             files={"m.toml": '[task]\ntype = "association"\nepoch = 5\n'}),
    "task_with_network_sections": Case(["run", "m.toml"], "populations", "not used by a task model",
                                       files={"m.toml": '[task]\ntype = "conditioning"\n'
                                                        '[populations.x]\ntype = "poisson"\nn = 1\n'}),
    # --- --set ----------------------------------------------------------------------------
    "set_without_equals": Case(**run_tiny("--set", "model.duration"), culprit="--set", what="KEY=VALUE"),
    "set_unknown_key": Case(**run_tiny("--set", "model.durration=1 s"), culprit="model.durration"),
    "set_bad_value": Case(**run_tiny("--set", "populations.out.n=zero"), culprit="populations.out.n",
                          what="expected an integer"),
    "set_inside_a_value": Case(**run_tiny("--set", "populations.out.n.x=1"), culprit="populations.out.n.x"),
    "set_negative_duration": Case(**run_tiny("--set", "model.duration=-1 s"), culprit="model.duration"),
    # --- arguments ----------------------------------------------------------------------------
    "no_command": Case([], "command"),
    "unknown_command": Case(["jump"], "jump"),
    "run_without_model": Case(["run", "--no-progress"], "model"),
    "unknown_option": Case(**run_tiny("--frobnicate"), culprit="--frobnicate"),
    "seed_negative": Case(**run_tiny("--seed", "-1"), culprit="--seed"),
    "unknown_backend": Case(**run_tiny("--backend", "analog"), culprit="--backend"),
    "unknown_target": Case(["run", "m.toml", "--target", "fortran"], "--target", files=tiny()),
    # --- time step and memory, checked before anything is built --------------------------
    "dt_coarser_than_tau_spike": Case(**run_tiny("--set", 'model.dt="2 ms"'), culprit="model.dt",
                                      what="--allow-coarse-dt"),
    "dt_coarser_than_tau_rate": Case(["run", "m.toml", "--backend", "rate", "--set", 'model.dt="10 ms"'],
                                     "model.dt", "--allow-coarse-dt", files=tiny()),
    "dt_coarser_than_stdp_window": Case(**run_tiny(**_edit('type = "pair_stdp"',
                                                           'type = "pair_stdp"\ntau_plus = "0.2 ms"')),
                                        culprit="model.dt", what="projections.ff.rule.tau_plus"),
    "dt_too_coarse_for_input_rate": Case(**run_tiny("--set", 'populations.inp.rate="5 kHz"'),
                                         culprit="model.dt", what="populations.inp.rate"),
    "network_larger_than_memory_spike": Case(**run_tiny("--set", "populations.inp.n=10000000000"),
                                             culprit="projections.ff", what="memory"),
    "network_larger_than_memory_rate": Case(["run", "m.toml", "--backend", "rate", "--set",
                                             "populations.inp.n=10000000000"], "projections.ff", "memory",
                                            files=tiny()),
    "pairs_drawn_larger_than_memory": Case(**run_tiny("--set", "populations.out.n=3000000", "--set",
                                                      "populations.inp.n=3000000", "--set",
                                                      'projections.ff.connectivity="fixed_probability"',
                                                      "--set", "projections.ff.p=1e-9"),
                                           culprit="projections.ff", what="memory"),
    # --- options that do not apply --------------------------------------------------------
    "target_with_rate_backend": Case(["run", "m.toml", "--backend", "rate", "--target", "numpy"], "--target",
                                     files=tiny()),
    "data_with_network_model": Case(**run_tiny("--data", "."), culprit="--data"),
    "resume_with_network_model": Case(**run_tiny("--resume", "."), culprit="--resume"),
    "weights_from_with_network_model": Case(**run_tiny("--weights-from", "."), culprit="--weights-from"),
    "evaluate_with_network_model": Case(**run_tiny("--evaluate"), culprit="--evaluate"),
    "evaluate_without_weights": Case(["run", SHALLOW, "--backend", "rate", "--evaluate"], "--evaluate"),
    "train_spike_with_network_model": Case(["compare", "m.toml", "--train-spike"], "--train-spike", files=tiny()),
    "memory_the_spike_backend_refuses": Case(["run", str(MODELS / "hopfield_modern.toml"), "--backend", "spike",
                                              "--no-progress"], "hopfield_modern.toml: populations.memory",
                                             "use --backend rate"),
    "compare_a_task_without_comparison": Case(["compare", CONDITIONING], "task", "does not"),
    # --- --out ----------------------------------------------------------------------------
    "out_is_a_file": Case(["run", "m.toml", "--target", "numpy", "--out", "f"], "--out", files={**tiny(), "f": "x"}),
    "out_under_a_file": Case(["run", "m.toml", "--target", "numpy", "--out", "f/run"], "--out",
                             files={**tiny(), "f": "x"}),
    "out_not_writable": Case(["run", "m.toml", "--target", "numpy", "--out", UNWRITABLE], "--out",
                             files=tiny(), setup=_read_only),
    "out_not_a_run": Case(["run", "m.toml", "--target", "numpy", "--out", "mine"], "--out",
                          files={**tiny(), "mine/": None, "mine/notes.txt": "my notes\n"}),
    "out_finished_run": Case(["run", "m.toml", "--target", "numpy", "--out", "r"], "--out", files=tiny(),
                             setup=lambda d: finished_run(d, model=str(d / "m.toml"), quick=False, backend="spike")),
    "out_unfinished_run": Case(["run", "m.toml", "--target", "numpy", "--out", "r"], "--out", files=tiny(),
                               setup=lambda d: _marker(d / "r", model=str(d / "m.toml"), quick=False,
                                                       backend="spike")),
    "compare_out_is_a_file": Case(["compare", "m.toml", "--out", "f"], "--out", files={**tiny(), "f": "x"}),
    # --- --resume -----------------------------------------------------------------------------
    "resume_missing_directory": Case(RESUME, "--resume", needs_data=True),
    "resume_not_a_run": Case(RESUME, "--resume", files={"r/": None, "r/notes.txt": "mine\n"}, needs_data=True),
    "resume_other_model": Case(RESUME, "--resume", "different model",
                               setup=lambda d: _marker(d / "r", model=HOPFIELD, quick=False), needs_data=True),
    "resume_other_parameters": Case(RESUME, "--resume",
                                    setup=lambda d: _marker(d / "r", overrides=["task.batch=10"]), needs_data=True),
    "resume_finished_run": Case(RESUME, "--resume", setup=finished_run, needs_data=True),
    "resume_missing_checkpoint": Case(RESUME, "--resume", "checkpoint", setup=resume_with("missing"),
                                      needs_data=True),
    "resume_garbage_checkpoint": Case(RESUME, "checkpoint.npz", "--resume", setup=resume_with("garbage"),
                                      needs_data=True),
    "resume_truncated_checkpoint": Case(RESUME, "checkpoint.npz", "--resume", setup=resume_with("truncated"),
                                        needs_data=True),
    "resume_foreign_checkpoint": Case(RESUME, "checkpoint.npz", "another model", setup=resume_with("foreign"),
                                      needs_data=True),
    # --- data ---------------------------------------------------------------------------------
    "data_directory_without_mnist": Case(["run", SHALLOW, "--backend", "rate", "--quick", "--no-progress",
                                          "--data", "empty"], "empty", files={"empty/": None}),
}


def _command():
    if (ROOT / "spikehebb" / "__main__.py").exists():
        return [sys.executable, "-m", "spikehebb"]
    return [sys.executable, "-c", "import sys; from spikehebb.cli import main; sys.exit(main())"]


def _snapshot(root):
    """``{relative path: content digest}`` of everything under ``root`` (directories as ``/``)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            out[os.path.relpath(os.path.join(dirpath, name), root) + "/"] = None
        for name in filenames:
            p = os.path.join(dirpath, name)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = hashlib.sha1(fh.read()).hexdigest()
    return out


def _prepare(name, case, base):
    d = base / name
    d.mkdir()
    (d / "tmp").mkdir()  # TMPDIR: a log or temporary file left behind shows up in the snapshot
    for rel, content in case.files.items():
        p = d / rel
        if rel.endswith("/"):
            p.mkdir(parents=True, exist_ok=True)
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
    if case.setup is not None:
        case.setup(d)
    return d


def _launch(d, case):
    env = dict(os.environ, TMPDIR=str(d / "tmp"), OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT),
               SPIKEHEBB_DATA=str(DATA))
    before = _snapshot(d)
    t0 = time.perf_counter()
    proc = subprocess.run(_command() + case.args, cwd=d, env=env, capture_output=True, text=True, timeout=300)
    return proc, before, _snapshot(d), time.perf_counter() - t0


#: one case of each kind runs in the fast subset (``-m "not slow"``); the rest are marked slow
FAST = {"missing_file", "invalid_toml", "unknown_key", "missing_unit", "set_bad_value", "unknown_option",
        "dt_coarser_than_tau_spike", "target_with_rate_backend", "out_is_a_file", "out_finished_run",
        "resume_other_model", "compare_out_is_a_file"}
TEST = "test_bad_input_is_one_line_exit_2_nothing_left"


@pytest.fixture(scope="session")
def results(tmp_path_factory, request):
    """Each selected case's ``(completed process, snapshot before, snapshot after, seconds)``, two at a time."""
    base = tmp_path_factory.mktemp("bad_inputs")
    selected = {item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", None) == TEST}
    todo = {name: case for name, case in CASES.items()
            if name in selected and (not case.needs_data or DATA.is_dir())}
    dirs = {name: _prepare(name, case, base) for name, case in todo.items()}
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        futures = {name: pool.submit(_launch, dirs[name], case) for name, case in todo.items()}
        out = {name: f.result() for name, f in futures.items()}
    if os.geteuid() != 0 and (base / "out_not_writable" / "ro").exists():
        (base / "out_not_writable" / "ro").chmod(0o755)  # let pytest clean up
    return out


def test_at_least_sixty_cases():
    assert len(CASES) >= 60 and FAST <= set(CASES)


@pytest.mark.parametrize("name", [n if n in FAST else pytest.param(n, marks=pytest.mark.slow) for n in CASES])
def test_bad_input_is_one_line_exit_2_nothing_left(results, name):
    case = CASES[name]
    if name not in results:
        pytest.skip(f"needs MNIST in {DATA}")
    proc, before, after, _ = results[name]
    err = proc.stderr
    assert "Traceback" not in err, err
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("spikehebb: error: "), line
    assert case.culprit in line, line
    assert case.what in line, line
    assert proc.returncode == 2, (proc.returncode, line)
    assert after == before, f"left behind or changed: {sorted(set(after.items()) ^ set(before.items()))}"


@pytest.mark.slow  # a Brian2 run; the refusal itself is in the fast cases
def test_allow_coarse_dt_runs_what_the_check_refuses(tmp_path):
    """The stated opt-in: the same coarse dt that is refused above runs with --allow-coarse-dt."""
    (tmp_path / "m.toml").write_text(TINY)
    args = ["run", "m.toml", "--backend", "rate", "--quick", "--no-progress", "--set", 'model.dt="10 ms"',
            "--out", "run"]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    refused = subprocess.run(_command() + args, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "--allow-coarse-dt" in refused.stderr
    done = subprocess.run(_command() + args + ["--allow-coarse-dt"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "run" / "summary.json").exists()
