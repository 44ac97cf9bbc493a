"""Backend-neutral model descriptions. Imports no backend (a test checks)."""
from .errors import ModelError
from .loader import Model, load_model
from .modulators import Modulator, Pairing, RewardPrediction, Schedule
from .network import Network, Record
from .neurons import LIF, POPULATIONS, PoissonInput, SpikeTimes
from .projection import Projection
from .rules import DASTDP, RULES, PairSTDP, Static, TripletSTDP
from .schema import Description, Field, Registry

__all__ = ["ModelError", "Model", "load_model", "Modulator", "Pairing", "RewardPrediction",
           "Schedule", "Network", "Record", "LIF", "POPULATIONS", "PoissonInput", "SpikeTimes",
           "Projection", "DASTDP", "RULES", "PairSTDP", "Static", "TripletSTDP",
           "Description", "Field", "Registry"]
from . import classifier, connectivity, hopfield, rate_models  # noqa: F401,E402
from . import literature_rules  # noqa: F401,E402  (NeAW, AHL, HPCA, the correlation game)
