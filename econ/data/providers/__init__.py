"""Providers: where series come from (vault folder, akshare, FRED, synthetic DGP)."""

from econ.data.providers.base import Fetched, Provider

__all__ = ["Fetched", "Provider"]
