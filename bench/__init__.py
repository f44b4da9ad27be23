"""Benchmarks: a synthetic database of a busy centre (`bench.generate`) and the figures measured on it (`bench.run`)."""
