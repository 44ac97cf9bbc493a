"""The model layer: inert, validated, unit-aware, and free of backend imports."""
import subprocess
import sys

import pytest
from brian2 import mV, ms

from spikehebb.model import LIF, ModelError, PairSTDP, load_model
from spikehebb.model.loader import parse_override

SHIPPED = ["song2000_stdp", "izhikevich2007_dastdp"]


def test_model_layer_imports_no_backend():
    code = ("import sys, spikehebb.model; "
            "bad = [m for m in sys.modules if m.startswith('spikehebb.backends') or m == 'spikehebb.tasks.mnist']; "
            "print(bad); sys.exit(1 if bad else 0)")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_models_load(models_dir, name):
    model = load_model(models_dir / f"{name}.toml")
    assert model.name == name and model.network is not None
    for proj in model.network.projections.values():
        assert proj.w_max is None or proj.w_max > proj.w_min


def test_units_are_quantities_and_time_constants_not_inverses(models_dir):
    net = load_model(models_dir / "song2000_stdp.toml").network
    post = net.populations["post"]
    assert post.tau_m == 10 * ms and post.v_th == -54 * mV
    rule = net.projections["input_to_post"].rule
    assert rule.tau_plus == 20 * ms and not any("inv" in f.name for f in type(rule).FIELDS)


def test_overrides_are_parsed_as_toml_or_string(models_dir):
    assert parse_override("model.duration=10 s") == (["model", "duration"], "10 s")
    assert parse_override("populations.post.n=3") == (["populations", "post", "n"], 3)
    net = load_model(models_dir / "song2000_stdp.toml",
                     ["populations.inputs.rate=20 Hz", 'model.duration="5 s"']).network
    assert float(net.populations["inputs"].rate) == 20.0 and float(net.duration) == 5.0


@pytest.mark.parametrize("kwargs, where, what", [
    ({"tau_m": "-20 ms"}, "tau_m", "must be positive"),
    ({"tau_m": "20"}, "tau_m", "missing unit"),
    ({"tau_m": "20 mV"}, "tau_m", "wrong unit"),
    ({"tau_mm": "20 ms"}, "tau_mm", "unknown key"),
])
def test_description_errors_name_the_key(kwargs, where, what):
    with pytest.raises(ModelError) as err:
        LIF(n=1, **kwargs)
    assert err.value.where.endswith(where) and what in err.value.message


def test_rules_validate_choices():
    with pytest.raises(ModelError, match="expected one of additive, multiplicative"):
        PairSTDP(weight_dependence="quadratic")
