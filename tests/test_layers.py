"""The house rules of ARCHITECTURE.md: one entry per layer, dependencies pointing down.

* Loading any shipped model (every backend table, with and without
  ``[quick]``) imports nothing above the model layer (a fresh process, so
  that no other test's imports hide an upward one).
* No module of ``spikehebb/model`` imports the backends, the tasks, the plots
  or the command line; no module of ``spikehebb/backends`` imports the tasks,
  the plots or the command line (read from the source, so a lazy import in a
  function counts too).
* Only the command line picks a matplotlib backend.
* ``spikehebb compare`` on a task model goes to the task's own ``compare``.
"""
import ast
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PKG = ROOT / "spikehebb"
MODELS = ROOT / "models"

#: what loading a model may import of spikehebb: the package (its __init__ imports RunResult),
#: the leaf modules every layer uses, and the model layer itself
MODEL_LAYER = ("spikehebb", "spikehebb.errors", "spikehebb.registry", "spikehebb.results")


def test_loading_every_model_imports_nothing_above_the_model_layer():
    code = r"""
import itertools, json, sys
from pathlib import Path
from spikehebb.model import load_model
paths = sorted(Path(sys.argv[1]).glob("*.toml"))
for path, backend, quick in itertools.product(paths, (None, "spike", "rate"), (False, True)):
    load_model(path, quick=quick, backend=backend)
print(json.dumps({"n": len(paths), "modules": sorted(m for m in sys.modules if m.startswith("spikehebb"))}))
"""
    done = subprocess.run([sys.executable, "-c", code, str(MODELS)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["n"] >= 10  # the shipped models were found
    above = [m for m in seen["modules"] if m not in MODEL_LAYER and not m.startswith("spikehebb.model")]
    assert above == [], f"loading a model imported {above}"
    # Brian2 itself is imported: a valid description holds Brian2 quantities (model/schema.py, materialize);
    # a bad one is reported without it (tests/test_fast_start.py)


def _imports(path):
    """Absolute names of every module ``path`` imports, at any depth of its code."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if path.name == "__init__.py":
        module = package
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)  # "from . import tasks"
    return names


def _violations(folder, forbidden):
    bad = []
    for path in sorted((PKG / folder).rglob("*.py")):
        for name in sorted(_imports(path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


def test_the_model_layer_imports_nothing_above_it():
    above = [f"spikehebb.{m}" for m in ("backends", "tasks", "plots", "cli", "commands", "sweep", "compare",
                                        "metrics", "export")]
    assert _violations("model", above) == []


def test_the_backends_import_no_task_plot_or_command_line():
    above = [f"spikehebb.{m}" for m in ("tasks", "plots", "cli", "commands", "sweep")]
    assert _violations("backends", above) == []


def test_the_import_check_sees_relative_imports():
    found = _imports(PKG / "backends" / "brian2" / "simulation.py")
    assert "spikehebb.backends.base" in found and "spikehebb.backends.brian2.device" in found


def _picks_matplotlib_backend(path):
    """Calls of ``matplotlib.use`` / ``pyplot.switch_backend`` in ``path``, however imported."""
    tree = ast.parse(path.read_text(), str(path))
    alias = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            alias.update({a.asname or a.name.split(".")[0]: a.name if a.asname else a.name.split(".")[0]
                          for a in node.names})
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            alias.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            name = f"{alias.get(f.value.id, f.value.id)}.{f.attr}"
        elif isinstance(f, ast.Name):
            name = alias.get(f.id, f.id)
        else:
            continue
        if name in ("matplotlib.use", "matplotlib.pyplot.switch_backend"):
            calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return calls


def test_only_the_command_line_picks_a_matplotlib_backend():
    calls = [c for p in sorted(PKG.rglob("*.py")) for c in _picks_matplotlib_backend(p)]
    assert calls and all(c.startswith("spikehebb/cli.py:") for c in calls), calls


# --- the compare hook ------------------------------------------------------------------------

FAKE_TASK = """
[model]
name = "fake"
[task]
type = "fake_compare"
level = 2
[spike.task]
level = 3
"""


@pytest.fixture
def fake_task(monkeypatch):
    """A task ``fake_compare`` whose ``compare`` records what it was given."""
    from spikehebb.model.schema import Field
    from spikehebb.results import write_json
    from spikehebb.tasks import TASKS
    seen = {}
    module = types.ModuleType("spikehebb_test_fake_task")
    module.PARAMS = (Field("level", "int", 1, positive=True),)
    module.COMPARE_OPTIONS = ("--data",)

    def compare(load, ctx, options):
        sides = {b: load(b) for b in ("rate", "spike")}
        seen.update(ctx=ctx, options=options, sides=sides)
        report = {b: {"level": params["level"]} for b, (_, params) in sides.items()}
        report["agreement"] = {"level_diff": report["spike"]["level"] - report["rate"]["level"]}
        write_json(Path(ctx.out_dir) / "compare.json", report)
        return report

    module.compare = compare
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(TASKS.entries, "fake_compare", module.__name__)
    return seen


def test_compare_goes_to_the_task_compare(tmp_path, fake_task, capsys):
    from spikehebb import cli
    (tmp_path / "m.toml").write_text(FAKE_TASK)
    out = tmp_path / "cmp"
    code = cli.main(["compare", str(tmp_path / "m.toml"), "--out", str(out), "--seed", "4", "--data", "here",
                     "--no-progress"])
    assert code == 0
    ctx, sides = fake_task["ctx"], fake_task["sides"]
    assert ctx.seed == 4 and ctx.out_dir == str(out) and ctx.data_dir == "here" and ctx.model_name == "fake"
    assert sides["rate"][1] == {"level": 2} and sides["spike"][1] == {"level": 3}  # each backend's tables
    assert sides["spike"][0].task == "fake_compare"
    assert json.loads((out / "compare.json").read_text())["agreement"] == {"level_diff": 1}
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["rate: level=2", "spike: level=3", "agreement: level_diff=1"]


def test_compare_refuses_options_the_task_does_not_read(tmp_path, fake_task, capsys):
    from spikehebb import cli
    (tmp_path / "m.toml").write_text(FAKE_TASK)
    code = cli.main(["compare", str(tmp_path / "m.toml"), "--out", str(tmp_path / "cmp"), "--train-spike"])
    assert code == 2 and not (tmp_path / "cmp").exists() and not fake_task
    assert "--train-spike" in capsys.readouterr().err


def test_compare_refuses_bad_task_parameters_before_making_anything(tmp_path, fake_task, capsys):
    from spikehebb import cli
    (tmp_path / "m.toml").write_text(FAKE_TASK.replace("level = 2", "level = -2"))
    code = cli.main(["compare", str(tmp_path / "m.toml"), "--out", str(tmp_path / "cmp")])
    assert code == 2 and not (tmp_path / "cmp").exists()
    assert "task.level" in capsys.readouterr().err


def test_one_registry_class_serves_every_registry():
    from spikehebb import metrics
    from spikehebb.backends import BACKENDS
    from spikehebb.backends.brian2.synapses import RULE_BUILDERS as SPIKE_RULES
    from spikehebb.backends.rate.rules import RULE_BUILDERS as RATE_RULES
    from spikehebb.backends.rate.transfer import TRANSFER
    from spikehebb.model import POPULATIONS, RULES, PairSTDP
    from spikehebb.model.errors import ModelError
    from spikehebb.registry import Registry
    from spikehebb.tasks import TASKS
    for reg in (BACKENDS, SPIKE_RULES, RATE_RULES, TRANSFER, POPULATIONS, RULES, TASKS, metrics._COMPUTE):
        assert type(reg) is Registry
    classes = [f"{p.relative_to(ROOT)}: {n.name}" for p in sorted(PKG.rglob("*.py"))
               for n in ast.walk(ast.parse(p.read_text())) if isinstance(n, ast.ClassDef) and "Registry" in n.name]
    assert classes == ["spikehebb/registry.py: Registry"]

    class Mine(PairSTDP):  # a subclass without a builder of its own uses its parent's
        pass
    assert RATE_RULES.lookup(Mine()) is RATE_RULES.lookup(PairSTDP())
    with pytest.raises(ModelError, match="unknown task 'sudoku'; expected one of: association"):
        TASKS.get("sudoku", "task.type")
