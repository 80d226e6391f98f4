"""The agenda builder of a meeting page: the builder, its two models, its views and editor."""
