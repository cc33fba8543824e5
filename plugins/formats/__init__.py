"""Table formats: markdown, LaTeX, a sortable HTML page, CSV and JSON (see docs/formats.md).

They lay out a `Table` (of `xtreme_harness.interfaces`) that the core computed; none computes a
number.
"""

from xharness_plugins.formats.csv_file import Csv
from xharness_plugins.formats.html_page import Html
from xharness_plugins.formats.json_document import Json
from xharness_plugins.formats.latex import Latex
from xharness_plugins.formats.markdown import Markdown
from xtreme_harness import hookimpl

FORMATS = (Markdown, Latex, Html, Csv, Json)


@hookimpl
def xharness_register_formats(register):
    for fmt in FORMATS:
        register(fmt)
