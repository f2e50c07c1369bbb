"""One router per resource; each route parses its input, calls one :class:`kg.OIHKG` method and shapes the answer."""
