"""Storage adapters of the CIR's `IdentityRepository`: `memory` (dictionaries) and `sql`.

Import the one you need; `sql` brings SQLAlchemy with it, `memory` nothing.
"""
