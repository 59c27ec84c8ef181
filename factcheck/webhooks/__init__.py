"""Signed webhooks for CMSs: endpoints, the event outbox, delivery by the workers.

- ``outbox.py``: a flush listener that turns the audit events of publishing, correcting,
  assigning and ingesting into ``webhook_events`` and their deliveries, in the same transaction.
- ``delivery.py``: a worker sends each endpoint's deliveries in event order, signed in the
  Standard Webhooks format, through the safe fetcher; failures are retried with backoff.
- ``services.py``: registering, changing and removing endpoints, "send again" (audited).
"""
