"""Handlers for the work programs coordinate: tasks, meetings, deadlines, field updates,
reminders, and commitments with their answers."""
