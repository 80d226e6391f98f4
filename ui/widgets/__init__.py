"""Widgets that several screens use: a date field, a choice delegate, a read-only table."""
