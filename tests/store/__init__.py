"""Storage tests: migrations, search, column types."""
