"""inclusion: digital-inclusion training records for France Services sites and their funders."""

__version__ = "0.1.0"
