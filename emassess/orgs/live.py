"""What HR's pages show moves on with people and results: how many managers are done, in progress
or overdue, who is on the follow-up lists, which results HR knows one by one, the teams and their
names, the released figures. At 50,000 managers counting all that takes far longer than showing a
page, so the dashboards work a page out once and keep it (emassess.dashboards.selectors.kept)
under the organisation's `live_version`; every service that changes something they show moves the
version on here, in its own transaction. The next page is worked out afresh, so no page shows
anything older than the last change made through emassess.

Changes made around emassess (a database console, the Django admin's forms) do not move it: the
dashboards keep nothing longer than KEEP_FOR, for those.
"""

from __future__ import annotations

import datetime

from django.db.models import F

from emassess.orgs.models import Organisation

# The longest a page is kept, for changes that did not move the version.
KEEP_FOR = datetime.timedelta(minutes=5)


def live_counts_changed(*, organisation_id: int) -> None:
    """Something HR's pages show has changed in the organisation: they are worked out afresh.

    An UPDATE in the caller's transaction, so a page that reads the new version sees the change
    too (it commits with it), and a change rolled back moves nothing."""
    Organisation.objects.filter(pk=organisation_id).update(live_version=F("live_version") + 1)
