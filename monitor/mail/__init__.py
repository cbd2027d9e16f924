"""The messages the monitor owes: composing digests, queuing them in the outbox, and sending."""
