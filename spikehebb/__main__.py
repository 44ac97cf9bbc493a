"""``python -m spikehebb`` is the ``spikehebb`` command."""
import sys

from .cli import main

sys.exit(main())
