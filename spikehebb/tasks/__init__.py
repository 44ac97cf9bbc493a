"""Tasks: learning problems built from the model layer plus a backend name.

A model file whose ``[task]`` table has ``type = NAME`` is run by the task
registered under NAME. A task module provides::

    PARAMS: tuple of spikehebb.model.schema.Field   # the [task] table's keys
    def run(params: dict, ctx: spikehebb.tasks.Context) -> spikehebb.results.RunResult

and optionally ``USES_NETWORK = True`` (the file's populations, projections
and modulators are loaded into ``ctx.network``) and
``check(params, network, where)`` (cross-checks at load time).

Modules are imported lazily so that ``spikehebb run`` on one model does not
import every task.
"""
import importlib
from dataclasses import dataclass, field
from typing import Optional

from ..model.errors import ModelError

#: task type -> module path
TASKS = {
    "association": "spikehebb.tasks.association.task",
    "conditioning": "spikehebb.tasks.association.conditioning",
    "hopfield": "spikehebb.tasks.hopfield.task",
    "classification": "spikehebb.tasks.mnist.task",
}


@dataclass
class Context:
    """How a task is run: chosen on the command line, not in the model file.

    Attributes
    ----------
    backend : str
        ``"spike"`` or ``"rate"``.
    target : str or None
        Brian2 code-generation target for the spike backend.
    seed : int
        Seed of every random generator the task uses.
    out_dir : str or None
        Directory for checkpoints (exists while the task runs).
    quick : bool
        Small, fast variant (about a minute).
    data_dir : str or None
        Data directory given by ``--data``.
    resume : bool
        Continue from the checkpoint in ``out_dir``.
    progress : bool
        Show progress bars.
    model_name : str
        Name of the model (file stem).
    network : spikehebb.model.Network or None
        The model file's network, for tasks built from descriptions.
    weights_from : str or None
        Run directory whose saved weights replace the initial ones.
    evaluate : bool
        Only test (with ``weights_from``), no training.
    model_hash : str or None
        Hash of the resolved model (:attr:`spikehebb.model.Model.hash`); stored
        with each checkpoint so that ``--resume`` refuses another model's.
    """

    backend: str = "rate"
    target: Optional[str] = None
    seed: int = 0
    out_dir: Optional[str] = None
    quick: bool = False
    data_dir: Optional[str] = None
    resume: bool = False
    progress: bool = True
    model_name: str = ""
    network: object = None
    weights_from: Optional[str] = None
    evaluate: bool = False
    model_hash: Optional[str] = None
    extra: dict = field(default_factory=dict)


def get_task(name, where="task.type"):
    """Import and return the task module registered as ``name``."""
    if name not in TASKS:
        raise ModelError(where, f"unknown task {name!r}; expected one of: {', '.join(sorted(TASKS))}")
    return importlib.import_module(TASKS[name])
