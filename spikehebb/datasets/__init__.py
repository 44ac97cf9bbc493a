"""Data sets read from disk (with checksums), never bundled with the package."""
from .mnist import load_mnist, mnist_dir

__all__ = ["load_mnist", "mnist_dir"]
