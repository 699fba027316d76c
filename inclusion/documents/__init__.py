"""Documents the service hands out: PDFs (`pdf.py`) and spreadsheets (`spreadsheets.py`)."""
