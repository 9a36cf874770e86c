"""lkjip_helpers: ingest, reconcile and report on Indonesian local-government budget sheets (LKjIP)."""

__version__ = "0.1.0"
