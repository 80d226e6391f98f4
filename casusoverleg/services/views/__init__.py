"""One read per screen: each module gives one screen its data from one transaction.

Like Anki's `get_deck_configs_for_update`: a screen asks once and gets plain dataclasses shaped
for what it shows, drawn from one consistent snapshot, instead of combining service calls.
"""
