"""mentor-bot's application core: configuration, the app factory and the mentoring rules."""
