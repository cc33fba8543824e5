"""The generator of the bundled sample data; run it with ``make_sample_data.py`` (see there)."""
