"""``ember.nn.utils``: model summary and gradient clipping."""
