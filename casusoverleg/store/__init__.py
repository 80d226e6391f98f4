"""The encrypted store: SQLCipher engine, key slots, lock, models and migrations."""
