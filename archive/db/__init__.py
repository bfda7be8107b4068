"""The database: engine and sessions, the models, the hash-chained event log, queries, migrations."""
