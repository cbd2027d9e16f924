"""Delivery failures, typed so the sender knows whether to try again.

Hierarchy::

    DeliveryError (Exception)
    ├── RecoverableError   timeouts, 4xx replies, dropped connections: retried with backoff
    └── PermanentError     5xx replies, refused authentication: kept for an operator
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A message could not be delivered."""


class RecoverableError(DeliveryError):
    """Worth trying again later."""


class PermanentError(DeliveryError):
    """Trying again will not help; an operator must look."""
