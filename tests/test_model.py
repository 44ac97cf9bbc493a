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


# --- checks before building: time step and memory (spikehebb.model.resources) ----------

NETWORK_FILES = ["song2000_stdp", "izhikevich2007_dastdp", "rate_vs_spike_drift", "hebbian_mnist_shallow",
                 "hebbian_mnist_conv"]


@pytest.mark.parametrize("backend", ["spike", "rate"])
@pytest.mark.parametrize("name", NETWORK_FILES)
@pytest.mark.parametrize("quick", [False, True])
def test_bundled_networks_pass_the_resource_checks(models_dir, name, backend, quick):
    from spikehebb.model.resources import check_resources
    model = load_model(models_dir / f"{name}.toml", quick=quick, backend=backend)
    check_resources(model.network, backend, duration=model.network.run_duration(quick))


@pytest.mark.parametrize("backend, dt, culprit", [
    ("spike", "2 ms", "populations.post.tau_e"),   # 5 ms synaptic filter: at most 1.25 ms
    ("rate", "5 ms", "populations.post.tau_m"),    # the rate backend steps the 10 ms membrane only
])
def test_coarse_dt_is_refused_unless_allowed(models_dir, backend, dt, culprit):
    from spikehebb.model.resources import check_resources
    net = load_model(models_dir / "song2000_stdp.toml", [f'model.dt="{dt}"'], backend=backend).network
    with pytest.raises(ModelError) as err:
        check_resources(net, backend, file="x.toml")
    line = str(err.value)
    assert line.startswith("x.toml: model.dt:") and culprit in line and "--allow-coarse-dt" in line
    check_resources(net, backend, allow_coarse_dt=True)


def test_fast_poisson_input_is_refused_on_the_spike_backend_only(models_dir):
    from spikehebb.model.resources import check_resources
    # 0.1 ms x 5 kHz = 0.5 spikes per step: a Poisson neuron fires at most once per step
    net = load_model(models_dir / "song2000_stdp.toml", ['populations.inputs.rate="5 kHz"']).network
    with pytest.raises(ModelError, match=r"populations\.inputs\.rate = 5000 Hz"):
        check_resources(net, "spike")
    check_resources(net, "rate")


@pytest.mark.parametrize("backend", ["spike", "rate"])
def test_memory_estimate_refuses_a_network_larger_than_memory(models_dir, backend):
    from spikehebb.model.resources import check_memory, memory_estimate
    net = load_model(models_dir / "song2000_stdp.toml", ["populations.inputs.n=100000000"]).network
    total = sum(memory_estimate(net, backend).values())
    assert 5e9 < total < 5e10  # 1e8 synapses: about 100 (rate) to 300 (spike) bytes each
    with pytest.raises(ModelError) as err:
        check_memory(net, backend, available=2e9)
    assert "2 GB is available" in str(err.value) and "1e+08" in str(err.value)
    check_memory(net, backend, available=1e12)


def test_fixed_probability_counts_the_pairs_it_draws(models_dir):
    from spikehebb.model.resources import memory_estimate
    # the builder draws one uniform number per pair, however small p is
    net = load_model(models_dir / "izhikevich2007_dastdp.toml",
                     ["populations.exc.n=1000000", "populations.bg_exc.n=1000000",
                      "projections.exc_to_exc.p=1e-6"]).network
    assert memory_estimate(net, "rate")["projections.exc_to_exc"] > 9e12


def test_rate_backend_steps_at_the_model_dt(models_dir):
    from spikehebb.backends.rate import RateNetwork
    plain = load_model(models_dir / "song2000_stdp.toml").network
    assert RateNetwork(plain, 0).dt == pytest.approx(1e-4)
    # the file states its coarser rate step in [rate.model]
    rate = load_model(models_dir / "song2000_stdp.toml", backend="rate").network
    assert RateNetwork(rate, 0).dt == pytest.approx(1e-3)


# --- files and values no parameter means ----------------------------------------------

@pytest.mark.parametrize("content, what", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file: TOML must be UTF-8"),
    (b"\x00" * 64, "not a text file: NUL byte"),
    ("# caf\u00e9\n[model]\n".encode("latin-1"), "TOML must be UTF-8, found byte 0xe9"),
])
def test_binary_model_file_is_one_error(tmp_path, content, what):
    path = tmp_path / "m.toml"
    path.write_bytes(content)
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert str(err.value).startswith(f"{path}: ") and what in str(err.value)


@pytest.mark.parametrize("override, where", [
    ("projections.input_to_post.rule.a_plus=nan", "a_plus"),
    ("modulators.d.baseline=inf", "baseline"),
    ('populations.post.tau_m="1e999 ms"', "tau_m"),
])
def test_non_finite_values_are_refused(models_dir, override, where):
    source = 'modulators.d.source={type = "schedule", times = ["1 s"], amounts = 1.0}'
    extra = [source] if "modulators" in override else []
    with pytest.raises(ModelError, match="finite") as err:
        load_model(models_dir / "song2000_stdp.toml", extra + [override])
    assert err.value.where.endswith(where)


def test_set_can_edit_a_backend_table(models_dir):
    # --set spike.task.hetero_p=[2] changes what the spike backend runs, and only that
    spike = load_model(models_dir / "association.toml", ["spike.task.hetero_p=[2]"], backend="spike")
    rate = load_model(models_dir / "association.toml", ["spike.task.hetero_p=[2]"], backend="rate")
    assert spike.task_table["hetero_p"] == [2]
    assert rate.task_table["hetero_p"] == [2, 4, 8, 16, 32]
    both = load_model(models_dir / "association.toml", ["task.hetero_p=[3]"], backend="spike")
    assert both.task_table["hetero_p"] == [3]  # a plain key still wins over the backend table
