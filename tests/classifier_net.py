"""A small classifier description (4x4 images, a few hidden units, 3 classes) for both backends."""

from spikehebb.model.network import Network
from spikehebb.tasks.mnist.protocol import build_phases


def small_network(n_hidden=4, w_inh=0.5, explore_scale=1.0):
    """4x4 images, a small hidden layer and 3 classes; fast presentations (40 ms, dt 1 ms)."""
    img_spike = {"rate_total": "4000 Hz", "t_present": "40 ms", "t_rest": "0 ms", "dt": "1 ms"}
    wta = {"tau_m": "50 ms", "w_inh": w_inh, "explore_scale": explore_scale}
    return Network(_where="", name="small", populations={
        "image": {"type": "image", "shape": [4, 4], "total": 24.0, "offset": 1.0, "spike": img_spike},
        # shift -0.3: every hidden neuron is driven (0.05 (log W_ij - mean_j log W_ij + 0.3) per spike)
        "hidden": {"type": "soft_wta", "n": n_hidden, "spike": {**wta, "gain": 0.05, "shift": -0.3}},
        "output": {"type": "soft_wta", "n": 3, "spike": {**wta, "gain": 1.0, "shift": -0.5}}},
        projections={
        "image_to_hidden": {"pre": "image", "post": "hidden", "w_init": 1.0, "w_init_high": 2.0,
                            "rule": {"type": "normalising_hebb", "eps": 0.01}},
        "hidden_to_output": {"pre": "hidden", "post": "output", "w_init": 0.3, "w_init_high": 0.4,
                             "rule": {"type": "normalising_hebb", "eps": 0.01}}},
        modulators={"da": {"source": {"type": "choice_reward", "population": "output",
                                      "values": [1.0, 0.2, -0.3, -0.5]}}})


def phase(network, learn, explore=None):
    table = {"learn": learn, "epochs": 1}
    if explore:
        table["explore"] = explore
    return build_phases({"p": table}, network, "phases")["p"]
