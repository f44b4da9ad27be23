"""firstask: a keyboard-driven desk for community service centres."""

__version__ = "0.1.0"
