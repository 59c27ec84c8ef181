"""Standard Webhooks signatures (https://www.standardwebhooks.com/), with its reference library.

Each request carries ``webhook-id`` (the event's message id, the same on every retry),
``webhook-timestamp`` (this attempt's Unix time) and ``webhook-signature``:
``v1,`` + base64 of HMAC-SHA256 over ``"{id}.{timestamp}.{body}"`` keyed with the secret's
bytes (the secret is shown as ``whsec_`` + base64 of 32 random bytes).
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
SECRET_BYTES = 32  # the spec asks for 24 to 64


def new_secret() -> str:
    """A fresh endpoint secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signature(secret: str, message_id: str, timestamp: datetime, body: str) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``"{message_id}.{unix timestamp}.{body}"``."""
    return Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)


def headers(secret: str, message_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
