"""Benchmarks: each prints its timings as ratios against a baseline run in the same process."""
