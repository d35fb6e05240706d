"""Getting messages to people: outbox queue and claims, reminders, follow-ups, working time."""
