"""Hebbian learning with dopamine reward on MNIST (shallow, convolutional, spiking)."""
