"""Reading task data: official file formats and the sources that serve them."""
