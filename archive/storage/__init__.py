"""Where originals and evidence live: content-addressed objects, fixity checks, export packages."""
