"""Digests: the state of a person's work, brought to them at their hour, once per period."""
