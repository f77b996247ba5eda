"""The Hypothesis settings every property test shares: OPENJXC_PROPERTY_EXAMPLES searches longer
(or shorter) than the test's default number of examples; no deadline (a step posts through the
real services and the database); the health checks that a function-scoped fixture of master
data and long operation lists would trip are off (each example runs in a rolled-back savepoint
on that data)."""

import os

from hypothesis import HealthCheck, settings


def property_settings(default_examples: int, **extra) -> settings:
    """The PostgreSQL pass (OPENJXC_DATABASE_URL set) searches a third as long: the SQLite pass
    has searched the same operations in full, and what differs on PostgreSQL (locking, SQL
    dialect, types) shows within the first examples; it keeps CI under its time limit."""
    if os.environ.get("OPENJXC_DATABASE_URL"):
        default_examples = max(min(default_examples, 10), default_examples // 3)
    return settings(
        max_examples=int(os.environ.get("OPENJXC_PROPERTY_EXAMPLES", str(default_examples))),
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
        **extra,
    )
