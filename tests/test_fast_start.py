"""Fast start: ``--help``, ``--version`` and a bad model file are answered without Brian2.

Importing Brian2 (with SymPy) costs about two CPU seconds; the command line
imports it only once a command's input is checked (``cli._State.start``), and
the model layer validates units with its own table of Brian2's unit names
(:mod:`spikehebb.model.units`), making Brian2 quantities only from valid
descriptions. Each case runs in a fresh interpreter that reports, at exit,
which heavy packages it imported. No timings are asserted.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import MODELS, ROOT, TINY_MODEL

HEAVY = ("brian2", "sympy", "matplotlib", "scipy", "dask")
#: ``spikehebb ARGS`` in a fresh interpreter; the last line of stdout lists the heavy modules it imported
_WRAPPER = ("import atexit, json, sys\n"
            f"atexit.register(lambda: print('\\nMODULES ' + json.dumps([m for m in {HEAVY!r} if m in sys.modules])))\n"
            "from spikehebb.cli import main\n"
            "sys.exit(main())\n")


def _spikehebb(args, cwd):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    env.pop("MPLBACKEND", None)  # the command line would pick one (importing matplotlib) when it starts work
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    last = proc.stdout.rstrip("\n").splitlines()[-1]
    assert last.startswith("MODULES "), proc.stdout
    return proc, json.loads(last[len("MODULES "):])


def _tiny(old, new):
    assert old in TINY_MODEL, old
    return TINY_MODEL.replace(old, new)


#: name -> (model file text, extra arguments, what the one error line must contain)
BAD = {
    "invalid_toml": (_tiny("[record]", "[record"), [], "not valid TOML"),
    "unknown_section": (TINY_MODEL + "[plasticity]\nx = 1\n", [], "plasticity: unknown section"),
    "unknown_key": (_tiny("n = 2\n", 'n = 2\ntau_memb = "20 ms"\n'), [], "populations.out.tau_memb: unknown key"),
    "missing_key": (_tiny('pre = "inp"\n', ""), [], "projections.ff.pre: required key is missing"),
    "missing_unit": (_tiny("n = 2\n", "n = 2\ntau_m = 20\n"), [], "populations.out.tau_m: missing unit"),
    "unknown_unit": (_tiny('rate = "20 Hz"', 'rate = "20 Hzz"'), [], "populations.inp.rate: unknown unit 'Hzz'"),
    "wrong_dimension": (_tiny('rate = "20 Hz"', 'rate = "20 mV"'), [], "populations.inp.rate: wrong unit"),
    "wrong_weight_unit": (_tiny('w_init = "200 pA"', 'w_init = "200 nS"'), [], "projections.ff.w_init: wrong unit"),
    "negative_tau": (_tiny("n = 2\n", 'n = 2\ntau_m = "-5 ms"\n'), [], "must be positive, got '-5 ms'"),
    "overflowing_quantity": (_tiny("n = 2\n", 'n = 2\ntau_m = "1e999 ms"\n'), [], "finite"),
    "count_as_string": (_tiny("n = 2\n", 'n = "two"\n'), [], "populations.out.n: expected an integer"),
    "bad_reference": (_tiny('post = "out"', 'post = "outt"'), [], "projections.ff.post: no population"),
    "unknown_rule": (_tiny('type = "pair_stdp"', 'type = "pair_stpd"'), [], "unknown plasticity rule"),
    "w_init_above_w_max": (_tiny('w_init = "200 pA"', 'w_init = "500 pA"'), [], "within [w_min, w_max]"),
    "dt_not_below_duration": (_tiny('duration = "200 ms"', 'duration = "200 ms"\ndt = "1 s"'), [],
                              "model.dt: must be shorter than duration"),
    "bad_schedule": (_tiny('rate = "20 Hz"', 'schedule = [["0 s", "5 Hz"], ["1 s", "5 mV"]]'), [],
                     "populations.inp.schedule[1][1]: wrong unit"),
    "no_populations": ('[model]\nname = "x"\n', [], "a model needs [populations]"),
    "set_bad_value": (TINY_MODEL, ["--set", "populations.out.n=zero"], "expected an integer, got 'zero'"),
    "set_bad_unit": (TINY_MODEL, ["--set", "model.duration=2 parsecs"], "model.duration: unknown unit 'parsecs'"),
    "unknown_task_key": ((MODELS / "conditioning.toml").read_text(), ["--set", "task.epoch=5"],
                         "task.epoch: unknown key"),
    "target_with_rate_backend": (TINY_MODEL, ["--backend", "rate", "--target", "numpy"], "--target"),
}


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["run", "--help"]])
def test_help_and_version_import_no_brian2(tmp_path, args):
    proc, heavy = _spikehebb(args, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "spikehebb" in proc.stdout
    assert heavy == [], f"spikehebb {' '.join(args)} imported {heavy}"


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_model_file_is_reported_without_brian2(tmp_path, name):
    text, extra, what = BAD[name]
    (tmp_path / "m.toml").write_text(text)
    proc, heavy = _spikehebb(["run", "m.toml", "--no-progress", *extra], tmp_path)
    lines = proc.stderr.strip("\n").splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("spikehebb: error: "), proc.stderr
    assert what in lines[0] and (name == "target_with_rate_backend" or "error: m.toml: " in lines[0]), lines[0]
    assert heavy == [], f"{name}: reporting the error imported {heavy}"


def test_a_valid_model_still_runs_on_brian2_quantities():
    """What descriptions hold is unchanged: Brian2 quantities, none of the validation's Values."""
    from brian2 import Quantity, ms, mV, pA
    from spikehebb.model import LIF, Network, Projection, load_model
    from spikehebb.model.schema import Description
    from spikehebb.model.units import Value

    def values(obj, seen):
        if isinstance(obj, Value):
            yield obj
        elif isinstance(obj, Description) and id(obj) not in seen:
            seen.add(id(obj))
            for v in vars(obj).values():
                yield from values(v, seen)
        elif isinstance(obj, dict):
            for v in obj.values():
                yield from values(v, seen)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                yield from values(v, seen)

    for path in sorted(MODELS.glob("*.toml")):
        model = load_model(path)
        assert not list(values(model.network, set())), path.name
    net = load_model(MODELS / "song2000_stdp.toml").network
    assert isinstance(net.dt, Quantity) and isinstance(net.projections["input_to_post"].w_max, Quantity)
    # built from Python with Brian2 quantities: validated the same way, handed back as quantities
    lif = LIF(n=3, tau_m=10 * ms, i_ext=[1 * pA, 2 * pA, 3 * pA])
    assert lif.tau_m == 10 * ms and isinstance(lif.tau_m, Quantity)
    assert list(lif.i_ext) == [1 * pA, 2 * pA, 3 * pA] and isinstance(lif.i_ext, Quantity)
    net = Network(populations={"a": LIF(n=2), "b": lif},
                  projections={"ab": Projection(pre="a", post="b", w_init=np.full(6, 5.0) * pA, w_max="10 pA",
                                                rule={"type": "pair_stdp"})})
    assert net.projections["ab"].w_min == 0 * pA and not list(values(net, set()))
    with pytest.raises(ValueError, match=f"populations.x.tau_m: wrong unit: expected a time, got {10 * mV}"):
        LIF(_where="populations.x", n=1, tau_m=10 * mV)


def _brian2_units():
    """Every unit name the model files accepted when units were looked up in Brian2 itself."""
    from brian2.units import allunits, fundamentalunits
    units = {u.dispname: u for u in allunits.all_units}
    units.update({n: getattr(allunits, n) for n in dir(allunits)
                  if isinstance(getattr(allunits, n), fundamentalunits.Unit)})
    # plain ASCII letters only: the parser's pattern reads no other names;
    # "unit" is a loop variable left in brian2.units.allunits (a zettalitre), not a unit
    return {n: u for n, u in units.items() if n.isascii() and n.isalpha() and n != "unit"}


def test_the_unit_table_is_brian2s():
    from spikehebb.model.units import UNITS
    brian = _brian2_units()
    assert set(UNITS) == set(brian)
    for name, (scale, dims) in UNITS.items():
        u = brian[name]
        assert 10.0 ** scale == float(u) and dims == tuple(u.dim._dims), name


@pytest.mark.parametrize("text", ["20 ms", "-70 mV", "0.5 nS", "100 Mohm", "200 pF", "1e-3 s", "15 Hz",
                                  "3 kHz", ".5 ms", "7 uA", "1.5 mV/ms*ms", "2 nA*Mohm", "4 ms^2/ms", "9 s^-1",
                                  "0.25 Hz^-1", "1 ksecond", "3 fA*Gohm/mV*mA", "13 ampere", "12 hertz"])
def test_parsed_values_are_what_brian2_gives(text):
    """Same value (to the bit) and dimension as computing the product with Brian2's units."""
    import re
    from brian2.units.fundamentalunits import get_dimensions
    from spikehebb.model.units import DIMENSIONS, parse_value, to_brian2
    number, unit = re.match(r"^\s*(\S+)\s*(.*)$", text).groups()
    brian, expected = _brian2_units(), 1.0
    for op, token in re.findall(r"([*/]?)\s*([^*/\s]+)", unit):
        name, _, power = token.partition("^")
        factor = brian[name] ** int(power or 1)
        expected = expected / factor if op == "/" else expected * factor
    expected = float(number) * expected
    kind = next(k for k, d in DIMENSIONS.items() if d == tuple(get_dimensions(expected)._dims))
    q = to_brian2(parse_value(text, kind, "x"))
    assert float(q) == float(expected) and get_dimensions(q) is get_dimensions(expected)
    assert np.asarray(q).dtype == np.asarray(expected).dtype and np.ndim(q) == 0
