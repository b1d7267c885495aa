"""The mentoring method as plain functions on a database session: pairs, pre-work, boundaries, goals,
roadmap, meetings (the stored series in ``meetings``, its maths in ``meeting_series``, changes in
``meeting_changes``, reminders, briefs and inactivity in their own modules), check-ins, follow-through,
reports and the outbox. No Slack calls; the shapes the upper layers are given (``Settings``, ``Deps``)
are defined here and built in ``bot/``."""
