"""Adapters implementing ``truce.service.ports``: in memory, and SQL (SQLite; PostgreSQL later).

This is the only package that imports SQLAlchemy (in ``truce.storage.sql``).
"""
