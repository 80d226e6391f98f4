"""Casusoverleg: the core (store, rules, services, documents, command line), free of Qt."""

__version__ = "0.1.0"
