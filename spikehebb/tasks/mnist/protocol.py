"""The training protocol of a classifier: phases of epochs, as data in the model file.

.. code-block:: toml

    [task.phases.hebbian]
    epochs = 40
    learn = {image_to_hidden = 1.0, hidden_to_output = "da_class"}
    explore = {population = "output", distribution = "normal", scale = 4.0}

Each phase names the projections that learn and what gates them (a constant
dopamine, or a ``choice_reward`` modulator); the others are frozen. Exploration
noise (``normal``: N(0, scale); ``uniform``: U(0, scale)) is added to the drive
of one population; the action *taken* is the classifier's choice with the
noise, the *greedy* one without it.
"""
from ...model.errors import ModelError
from ...model.schema import Description, Field


class Explore(Description):
    FIELDS = (
        Field("population", "str"),
        Field("distribution", "str", "uniform", choices=("uniform", "normal")),
        Field("scale", "float", nonnegative=True, doc="U(0, scale) or N(0, scale)"),
    )


class Phase(Description):
    """One phase of training: ``epochs`` passes over the training images."""

    FIELDS = (
        Field("epochs", "int", nonnegative=True),
        Field("learn", "raw", doc="{projection: dopamine (number) or modulator name}"),
        Field("explore", "raw", None, doc="{population, distribution, scale}"),
        Field("batch", "int", None, positive=True, doc="mini-batch (rate backend); default task.batch"),
    )

    def check(self, where):
        if not isinstance(self.learn, dict) or not self.learn:
            raise ModelError(f"{where}.learn", "expected a table {projection = dopamine or modulator name}")
        for k, v in self.learn.items():
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise ModelError(f"{where}.learn.{k}", f"expected a number or a modulator name, got {v!r}")
        if isinstance(self.explore, dict):
            self.explore = Explore(_where=f"{where}.explore", **self.explore)


def build_phases(table, network, where):
    """Validate ``[task.phases]`` against the network; return ``{name: Phase}`` in order."""
    if not isinstance(table, dict) or not table:
        raise ModelError(where, "expected at least one phase table, e.g. [task.phases.hebbian]")
    phases = {}
    for name, t in table.items():
        w = f"{where}.{name}"
        if not isinstance(t, dict):
            raise ModelError(w, "expected a table")
        phase = phases[name] = Phase(_where=w, **t)
        phase.name = name
        for proj, gate in phase.learn.items():
            if proj not in network.projections:
                raise ModelError(f"{w}.learn.{proj}", f"no projection {proj!r}; projections are: "
                                                      f"{', '.join(network.projections)}")
            if not network.projections[proj].rule.PLASTIC:
                raise ModelError(f"{w}.learn.{proj}", "the projection's rule is static")
            if isinstance(gate, str) and gate not in network.modulators:
                raise ModelError(f"{w}.learn.{proj}", f"no modulator {gate!r} in [modulators]")
        if phase.explore is not None and phase.explore.population not in network.populations:
            raise ModelError(f"{w}.explore.population", f"no population {phase.explore.population!r}")
    return phases
