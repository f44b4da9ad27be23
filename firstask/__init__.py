"""firstask: a keyboard-driven desk for community service centres."""

__version__ = "0.1.0"

# Set in the environment of a desk that `firstask serve` runs for a browser tab (its keys and its end differ a little).
SERVED = "FIRSTASK_SERVED"
