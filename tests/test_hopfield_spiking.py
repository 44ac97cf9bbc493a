"""Hopfield memories as model descriptions on both backends (spike: LIF neurons in Brian2, numpy target)."""
import numpy as np
import pytest

from spikehebb.backends.brian2.hopfield import lif_network, on_rate
from spikehebb.backends.memory import hebbian, overlap
from spikehebb.model import ModelError, load_model
from spikehebb.model.schema import parse_fields
from spikehebb.tasks import Context
from spikehebb.tasks.hopfield import task
from spikehebb.tasks.hopfield.capacity import memory_description
from spikehebb.tasks.hopfield.memory import HopfieldMemory
from spikehebb.tasks.hopfield.patterns import flip_bits, random_patterns


@pytest.mark.parametrize("cue", ["current", "rate"])
def test_spiking_recall_three_patterns_n100(cue):
    # current cue: present throughout at half the recurrent field; rate cue: Poisson input
    # for the first 50 ms only, then the network holds the pattern on its own
    rng = np.random.default_rng(0)
    x = random_patterns(3, 100, rng)
    cues = flip_bits(x, 0.1, rng)
    net = memory_description("hebbian", 100, spike={"cue": cue, "duration": "200 ms"})
    states, info = HopfieldMemory(net, backend="spike", target="numpy", random_state=0).fit(x).recall(
        cues, targets=x, record=True)
    m = overlap(states, x)
    assert np.all(m >= 0.9), m
    assert np.all(m > overlap(cues, x))  # the network corrected flipped bits: the cue alone gives 0.8
    rate = HopfieldMemory(net, backend="rate", random_state=0).fit(x).recall(cues)
    assert np.all(overlap(rate, x) >= m - 1e-12)  # the same description as spins is the reference
    # +1 units fire near the rate the mapping assumes (LIF f-I curve at rheobase + kappa)
    on = info["rates"][states > 0]
    assert 0.5 * info["nu_on"] < np.median(on) < 2 * info["nu_on"]
    assert info["overlap"].shape == (len(info["overlap_t"]), 3)


@pytest.mark.slow
def test_spiking_recall_ten_patterns_from_the_model_file(models_dir):
    # the README's figure: P = 10, N = 100 (load 0.1), 10 % flipped cues, the file's LIF mapping
    model = load_model(models_dir / "hopfield_random.toml", ["task.p=10"], backend="spike")
    params = parse_fields(task.PARAMS, {"p": 10, "flip": 0.1}, "task")
    res = task.run(params, Context(backend="spike", target="numpy", seed=0, network=model.network))
    assert res.metrics["recall_overlap"] >= 0.95
    assert res.metrics["n_patterns"] == 10 and res.metrics["load"] == pytest.approx(0.1)


def test_signed_weights_split_into_excitatory_and_inhibitory_synapses():
    from brian2 import amp
    rng = np.random.default_rng(1)
    x = random_patterns(3, 20, rng)
    w = hebbian(x)
    spec = memory_description("hebbian", 20).populations["memory"].spike
    net, nu_on = lif_network(w, x[:2], spec)  # two copies
    assert nu_on == on_rate(spec)
    # analytic f-I curve at rheobase 0.2 nA + kappa 1 nA: 1 / (t_ref + tau_m ln(R I / (R I - 20 mV)))
    assert nu_on == pytest.approx(1 / (10e-3 + 20e-3 * np.log(120 / 100)))
    scale = 2 * 1e-9 / (nu_on * 5e-3)  # w = 2 kappa W / (nu_on tau_syn), tau_syn 5 ms with a current cue
    exc, inh = net.projections["exc"], net.projections["inh"]
    rebuilt = np.zeros((40, 40))
    rebuilt[exc.j, exc.i] += np.asarray(exc.w_init / amp)
    rebuilt[inh.j, inh.i] -= np.asarray(inh.w_init / amp)
    np.testing.assert_allclose(rebuilt, np.kron(np.eye(2), w) * scale, rtol=1e-9, atol=1e-24)
    # bias: rheobase minus kappa times the row sums
    i_ext = np.asarray(net.populations["cells"].i_ext / amp)
    np.testing.assert_allclose(i_ext, 0.2e-9 - 1e-9 * np.kron(np.eye(2), w).sum(axis=1) + 0.5e-9 * x[:2].ravel())


def test_task_rate_backend_runs_from_params():
    params = parse_fields(task.PARAMS, {"p": 3, "flip": 0.1}, "task")
    res = task.run(params, Context(backend="rate", seed=3, progress=False, network=memory_description("hebbian", 64)))
    assert res.metrics["recall_overlap"] == 1.0 and res.metrics["recalled_fraction"] == 1.0
    assert res.metrics["cue_overlap"] == pytest.approx(0.8125)  # 6 of 64 bits flipped
    assert {"cue_recall_target", "energy", "overlap"} <= set(res.figures)
    assert np.all(np.diff(res.arrays["energy"], axis=0) <= 1e-12)  # asynchronous: energy never rises


@pytest.mark.parametrize("name", ["hopfield_random", "hopfield_letters", "hopfield_patches", "hopfield_modern"])
def test_model_files_describe_one_memory(models_dir, name):
    import tomllib
    model = load_model(models_dir / f"{name}.toml")
    table = tomllib.loads((models_dir / f"{name}.toml").read_text())["task"]
    assert table.pop("type") == "hopfield"
    task.check(parse_fields(task.PARAMS, table, "task"), model.network, "task")


def test_letters_need_a_grid_sized_memory():
    params = parse_fields(task.PARAMS, {"patterns": "letters", "grid": 12}, "task")
    with pytest.raises(ModelError, match="n = 144"):
        task.check(params, memory_description("hebbian", 100), "task")


def test_modern_memory_is_refused_by_the_spike_backend_in_one_line(models_dir):
    net = load_model(models_dir / "hopfield_modern.toml").network
    x = random_patterns(4, 100, np.random.default_rng(0))
    with pytest.raises(ModelError, match="rate backend only: use --backend rate"):
        HopfieldMemory(net, backend="spike").fit(x)


def test_estimator_follows_scikit_learn_conventions():
    sklearn = pytest.importorskip("sklearn.base")
    est = HopfieldMemory(memory_description("storkey", 32), backend="rate", random_state=4)
    twin = sklearn.clone(est)
    a, b = twin.get_params(), est.get_params()
    assert repr(a.pop("network")) == repr(b.pop("network")) and a == b and twin is not est
    assert twin.set_params(random_state=5).random_state == 5
    with pytest.raises(ModelError, match="not a parameter of HopfieldMemory"):
        est.set_params(rule="hebbian")  # a description's field, not an estimator parameter
    x = random_patterns(3, 32, np.random.default_rng(2))
    est.fit(x)
    assert est.n_features_in_ == 32 and est.weights_.shape == (32, 32)
    assert not hasattr(twin, "weights_")  # clone copies parameters, not learned state
    np.testing.assert_array_equal(est.predict(x), x)  # stored patterns are fixed points at low load
