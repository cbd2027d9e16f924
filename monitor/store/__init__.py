"""The store: the one API over the database that the command line, the daemon and the web use.

`database` opens it (SQLite or PostgreSQL) and checks its schema; `schema` holds the tables;
`figures`, `alerts`, `muting`, `outbox` and `jobs` read and write what their names say. Data
files are taken in by `monitor.ingest`, whose set-based statements are the store's bulk path.
"""
