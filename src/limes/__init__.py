"""limes: an open implementation of the EU's interoperable border information systems.

This is an independent implementation for building, testing, training and research.
It is not the European Union's own system.
"""

__version__ = "0.1.0"
