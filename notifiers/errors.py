"""Delivery failures, typed so the sender knows whether to try again.

Hierarchy::

    DeliveryError (Exception)
    ├── RecoverableError            4xx replies: retried with backoff
    │   └── ServerUnavailableError  no connection, a timeout, a dropped connection: the rest
    │                               of the batch would wait as long; it waits for the next pass
    └── PermanentError              5xx replies, refused authentication: kept for an operator
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A message could not be delivered."""


class RecoverableError(DeliveryError):
    """Worth trying again later."""


class ServerUnavailableError(RecoverableError):
    """The server cannot be reached or does not answer in time: no other message will get through now."""


class PermanentError(DeliveryError):
    """Trying again will not help; an operator must look."""
