"""Reading PDF files: pyHanko's reader with kyso's object-stream index, the raw offset-keeping reader, the revision layout, content streams, fonts and positioned text."""
