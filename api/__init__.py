"""The HTTP API over :class:`kg.OIHKG`: app factory, settings, one router per resource (see :mod:`api.main`)."""
