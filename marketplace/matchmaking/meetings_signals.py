"""Domain signals of meetings, sent after commit.

`meeting_requested` (sender=Meeting, meeting, actor): a new request. The other moves (accept, decline,
reschedule, cancel, expire) arrive as `marketplace.core.signals.state_changed` with sender=Meeting.
`attendance_settled` (sender=Meeting, meeting, outcome, actor): a meeting's attendance is final
(held, missed) or went to an operator (disputed).
"""

from django.dispatch import Signal

meeting_requested = Signal()
attendance_settled = Signal()
