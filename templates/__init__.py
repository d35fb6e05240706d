"""Jinja2 templates for every message a person reads, one folder per language."""
