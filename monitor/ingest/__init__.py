"""Departments' figures in: reading CSV, Excel and JSON files, checking every row, storing them."""
