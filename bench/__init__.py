"""The OpenJXC benchmark package: `python -m bench` from the repository root (`make bench`).
Entry point and options: bench/cli.py; results and their analysis: docs/benchmarks.md."""
