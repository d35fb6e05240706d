"""Fake platform servers that the real SDK clients talk to in end-to-end tests."""
