"""The SQLite database backend of `jxc serve` (settings `ENGINE`: `openjxc.core.sqlite`)."""
