"""Pure Block Kit builders (no I/O), one module per screen, plus Slack's limits in ``limits``."""
