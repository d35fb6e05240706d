"""The work a program coordinates: tasks, meetings, deadlines, field updates, personal reminders."""
