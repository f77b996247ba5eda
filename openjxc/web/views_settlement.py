"""Impact previews, periods (结账), data check, audit log and backups."""
