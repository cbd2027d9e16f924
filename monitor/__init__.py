"""The application: loading the plan, storage, ingestion, alerts, the daemon and the command line."""
