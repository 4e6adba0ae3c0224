"""The work around the documents: users and roles, follow-ups, reminders, announcements, reports."""
