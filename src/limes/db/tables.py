"""Every module that defines tables, imported so that `metadata` holds them all.

Alembic (`limes.db.migrations.env`) and the schema tests import this module; a new
system's module of table definitions is added here, named `<system>_tables`.
"""

from __future__ import annotations

from limes.db.metadata import metadata
from limes.ees.adapters import sql_tables as ees_tables
from limes.interop.cir.adapters import sql_tables as cir_tables
from limes.interop.mid.adapters import sql_tables as mid_tables

__all__ = ["cir_tables", "ees_tables", "metadata", "mid_tables"]
