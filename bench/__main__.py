"""`python -m bench` (what `make bench` runs): see bench/cli.py."""

from bench.cli import run

run()
