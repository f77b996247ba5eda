"""The schemathesis command line, with one work-around for CPython 3.11.7.

When hypothesis describes a lambda deep inside a recursive strategy, `ast.parse` can raise
"SystemError: AST constructor recursion depth mismatch" (CPython gh-106905), which schemathesis
reports as a runtime error and the fuzz run fails although the server did nothing wrong. The
description is only cosmetic, so a lambda that cannot be described gets hypothesis' own
"unknown" text instead."""

import sys

from hypothesis.internal import lambda_sources
from schemathesis.cli import schemathesis

_describe = lambda_sources._lambda_description


def _description_or_unknown(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _description_or_unknown

if __name__ == "__main__":
    sys.exit(schemathesis())
