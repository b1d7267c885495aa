"""The mentoring method as plain functions on a database session: pairs, pre-work, boundaries, goals,
roadmap, meetings, check-ins, follow-through, reports and the outbox. No Slack calls; the shapes the
upper layers are given (``Settings``, ``Deps``) are defined here and built in ``bot/``."""
