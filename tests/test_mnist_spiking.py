"""Spiking MNIST network: one Brian2 run per epoch (no rebuild per image) and
dopamine-gated learning."""
import numpy as np
import pytest

from spikehebb.model.schema import parse_fields
from spikehebb.model.units import to_si
from spikehebb.tasks.mnist import task_spiking


def _net(**over):
    p = {k: to_si(v) for k, v in parse_fields(task_spiking.PARAMS, {"n_hidden": 5, **over}, "task").items()}
    return task_spiking._Spiking(p, 1, "numpy"), p


def _images(n, rng):
    x = np.zeros((n, 784))
    for k in range(n):  # a bar in one of two places: two "classes"
        x[k].reshape(28, 28)[5:23, 8 + 10 * (k % 2):12 + 10 * (k % 2)] = 1.0
    return 2000.0 * x / x.sum(1, keepdims=True), np.arange(n) % 2


def test_one_run_per_epoch_and_hebbian_learning(monkeypatch):
    import brian2
    net, p = _net(t_image="50 ms")
    rates, labels = _images(6, None)
    runs = []
    orig = brian2.Network.run
    monkeypatch.setattr(brian2.Network, "run", lambda self, *a, **k: (runs.append(1), orig(self, *a, **k))[1])
    W0 = net.wta.weights()
    seen = []
    net.wta.present(rates, lambda k, counts, drive: (seen.append(counts.sum()), 1.0)[1])
    assert runs == [1] and len(seen) == 6  # six images, one run: nothing rebuilt per image
    assert sum(seen) > 0
    W1 = net.wta.weights()
    assert not np.array_equal(W0, W1)
    # the rule moves the winners' weights toward the input: more weight on the bars
    bars = rates.sum(0) > 0
    assert (W1[bars].sum() - W0[bars].sum()) > 0


def test_no_dopamine_means_no_weight_change():
    net, p = _net(t_image="30 ms")
    rates, _ = _images(3, None)
    W0 = net.wta.weights()
    net.wta.present(rates, lambda k, counts, drive: 0.0)  # DA = 0 gates every update
    np.testing.assert_array_equal(net.wta.weights(), W0)


def test_spiking_task_refuses_standalone_target(tmp_path):
    from spikehebb.model.errors import ModelError
    from spikehebb.tasks import Context
    params = parse_fields(task_spiking.PARAMS, {}, "task")
    with pytest.raises(ModelError, match="runtime target"):
        task_spiking.run(params, Context(backend="spike", target="cpp_standalone", out_dir=str(tmp_path)))
