"""What the bot shows: rendering, keyboards, follow-up screens, upload reports."""
