"""Master data, Excel import, users and roles, settings."""
