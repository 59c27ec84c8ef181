"""Background jobs of webhooks (found by ``factcheck.jobs`` at start-up).

``webhooks.deliver`` sends one endpoint's due deliveries in event order; ``webhooks.schedule``
(every minute) hands each endpoint whose first pending delivery is due to the workers, which is
how retries happen: their time is in the database, and no worker sleeps waiting for it. A commit
that queued deliveries also hands their endpoints to the workers at once (``kick``).
"""

from __future__ import annotations

import logging

from factcheck.jobs import crontab, current_queue, job, periodic_job
from factcheck.webhooks.delivery import deliver_endpoint, due_endpoints

log = logging.getLogger("factcheck.webhooks")

DELIVER = "webhooks.deliver"
SCHEDULE = "webhooks.schedule"


@job(DELIVER)
def deliver(endpoint_id: int) -> None:
    """Send one endpoint's due deliveries (its own short transactions)."""
    deliver_endpoint(int(endpoint_id))


@periodic_job(SCHEDULE, crontab(minute="*"))
def schedule() -> None:
    queue_due()


def queue_due() -> list[int]:
    """Queue a delivery job for every endpoint whose first pending delivery is due."""
    endpoint_ids = due_endpoints()
    for endpoint_id in endpoint_ids:
        current_queue().enqueue(DELIVER, endpoint_id=endpoint_id)
    return endpoint_ids


def kick(endpoint_ids: list[int]) -> None:
    """Tell the workers about new deliveries, after the commit that made them.

    Never raises: the change is committed, and the periodic ``webhooks.schedule`` finds the
    deliveries within a minute anyway. In immediate mode (tests, scripts) nothing is run here,
    so a request never waits for an endpoint: the deliveries stay queued for a worker.
    """
    try:
        queue = current_queue()
        if queue.immediate:
            return
        for endpoint_id in endpoint_ids:
            queue.enqueue(DELIVER, endpoint_id=endpoint_id)
    except Exception:
        log.exception("could not queue webhook deliveries for %s; the scheduler will", endpoint_ids)
