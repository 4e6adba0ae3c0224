"""What the bot does on its own: reminders, digests and the announcement sender."""
