"""DuckDB in the tests: a query that must give a relation (the export is read back)."""

from __future__ import annotations

import duckdb


def query(sql: str) -> duckdb.DuckDBPyRelation:
    """The relation of `sql` on DuckDB's default connection (a SELECT, never None)."""
    relation = duckdb.sql(sql)
    assert relation is not None, sql
    return relation
